package dev.osimg.cli;

import dev.osimg.oci.ImageReference;
import dev.osimg.registry.AuthFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code osimg logout}: removes a stored registry login. */
@Command(name = "logout", sortOptions = false,
        description = {"Remove the stored login to a registry.",
            "",
            "Removes HOST from the auths map of the Docker config file (or --authfile FILE), leaving every other "
                    + "entry as it was. Logins kept by a credential helper are the helper's to remove."})
final class LogoutCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Parameters(paramLabel = "HOST", description = "The registry, HOST[:PORT].")
    String host;

    @Option(names = "--authfile", paramLabel = "FILE",
            description = "The logins file (default: $REGISTRY_AUTH_FILE, else Docker's config file).")
    Path authFile;

    @CommandLine.Mixin
    OutputOptions output;

    @Override
    public Integer call() throws IOException {
        ImageReference.checkRegistryHost(host);
        Path file = authFile != null ? authFile : AuthFile.defaultFile();
        if (!AuthFile.remove(file, host)) {
            throw new IOException("not logged in to " + host + " in " + file);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (!output.quiet && !output.json) {
            out.println("Removed the login to " + host + " from " + file);
            out.flush();
        } else if (output.json) {
            JsonOutput.print(out, java.util.Map.of("registry", host, "authfile", file.toString()));
        }
        return ExitCodes.OK;
    }
}
