package dev.osimg.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code osimg copy}: Copy an image between any two references: layout directories and registries. */
@Command(name = "copy", sortOptions = false,
        description = {"Copy an image between any two references: layout directories and registries.",
            "Blobs move --jobs at a time and are verified against their digests; an OS image pulled into a layout",
            "is also verified chunk by chunk. A failed or interrupted transfer leaves nothing that looks complete.",
            "Prints the manifest digest."})
final class CopyCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Parameters(index = "0", paramLabel = "SRC", description = "The image to copy.")
    String source;

    @Parameters(index = "1", paramLabel = "DST", description = "Where to put it.")
    String destination;

    @CommandLine.Mixin
    RegistryOptionsMixin registry;

    @Option(names = "--skip-signatures", description = "Leave the image's signatures behind (by default they are copied along).")
    boolean skipSignatures;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        return CopyRunner.run(spec.commandLine().getOut(), source, destination, registry, null, skipSignatures, json, quiet);
    }
}
