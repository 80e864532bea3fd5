package dev.osimg.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code osimg push}: a layout directory to a registry. */
@Command(name = "push", sortOptions = false,
        description = {"Push an image from a layout directory to a registry.",
            "",
            "Uploads the blobs the registry does not have yet, then the manifest, under the tag of "
                    + "REFERENCE (without a tag, by digest only). Blobs are read from the layout and checked against "
                    + "their digests on the way. The same as osimg copy LAYOUT REFERENCE.",
            "",
            "Prints the manifest digest."})
final class PushCommand extends TransferCommand implements UnusedRegistryOptions {
    @Parameters(index = "0", paramLabel = "LAYOUT", description = "The layout directory (oci:DIR[:TAG] or a path).")
    String source;

    @Parameters(index = "1", paramLabel = "REFERENCE", description = "HOST[:PORT]/REPO[:TAG] to push to.")
    String destination;

    @Override
    public java.util.List<String> unusedRegistryOptions() {
        return WRITES_ONLY;
    }

    @Override
    String source() {
        return layout(source);
    }

    @Override
    String destination() {
        return destination;
    }
}
