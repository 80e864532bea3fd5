package dev.osimg.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code osimg pull}: Pull an image from a registry into a layout directory, verified before it appears (osimg copy REF DIR). */
@Command(name = "pull", sortOptions = false,
        description = {"Pull an image from a registry into a layout directory, verified before it appears (osimg copy REF DIR).",
            "Blobs move --jobs at a time and are verified against their digests; an OS image pulled into a layout",
            "is also verified chunk by chunk. A failed or interrupted transfer leaves nothing that looks complete.",
            "Prints the manifest digest."})
final class PullCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Parameters(index = "0", paramLabel = "REF", description = "HOST[:PORT]/REPO[:TAG][@sha256:HEX].")
    String source;

    @Parameters(index = "1", paramLabel = "DIR", description = "Layout directory: new (created by rename when complete), empty, or an existing layout.")
    String destination;

    @CommandLine.Mixin
    RegistryOptionsMixin registry;

    @CommandLine.Mixin
    SignatureOptionsMixin signatures;

    @Option(names = "--skip-signatures", description = "Leave the image's signatures behind (by default they are copied along).")
    boolean skipSignatures;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        // A plain path here is always a layout directory, even one that looks like HOST/REPO.
        String layout = destination.startsWith("oci:") ? destination : "oci:" + destination;
        return CopyRunner.run(spec.commandLine().getOut(), source, layout, registry, signatures, skipSignatures, json, quiet);
    }
}
