package dev.osimg.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code osimg push}: Push an OCI layout to a registry (osimg copy LAYOUT REF). */
@Command(name = "push", sortOptions = false,
        description = {"Push an OCI layout to a registry (osimg copy LAYOUT REF).",
            "Blobs move --jobs at a time and are verified against their digests; an OS image pulled into a layout",
            "is also verified chunk by chunk. A failed or interrupted transfer leaves nothing that looks complete.",
            "Prints the manifest digest."})
final class PushCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Parameters(index = "0", paramLabel = "LAYOUT", description = "oci:DIR[:TAG] or a layout directory.")
    String source;

    @Parameters(index = "1", paramLabel = "REF", description = "HOST[:PORT]/REPO[:TAG]; without a tag, the manifest is pushed by digest.")
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
        // A plain path here is always a layout directory, even one that looks like HOST/REPO.
        String layout = source.startsWith("oci:") ? source : "oci:" + source;
        return CopyRunner.run(spec.commandLine().getOut(), layout, destination, registry, null, skipSignatures, json, quiet);
    }
}
