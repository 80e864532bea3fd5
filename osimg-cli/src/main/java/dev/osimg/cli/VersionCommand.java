package dev.osimg.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code osimg version}: the same line as {@code osimg --version}. */
@Command(name = "version", description = "Print the osimg version and the Java runtime it runs on.")
final class VersionCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (String line : new VersionProvider().getVersion()) {
            out.println(line);
        }
        out.flush();
        return ExitCodes.OK;
    }
}
