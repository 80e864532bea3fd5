package dev.osimg.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code osimg copy}: an image from any reference to any other. */
@Command(name = "copy", sortOptions = false,
        description = {"Copy an image between layout directories and registries.",
            "",
            "SOURCE and DESTINATION are each a layout directory (oci:DIR[:TAG]) or a registry reference "
                    + "(HOST[:PORT]/REPO[:TAG], also docker://...). Blobs the destination already has are skipped; "
                    + "every blob is checked against its digest, and an OS image copied into a layout is also verified "
                    + "chunk by chunk. An interrupted copy leaves nothing that looks complete.",
            "",
            "Prints the manifest digest."})
final class CopyCommand extends TransferCommand {
    @Parameters(index = "0", paramLabel = "SOURCE", description = "The image to copy.")
    String source;

    @Parameters(index = "1", paramLabel = "DESTINATION", description = "Where to put it.")
    String destination;

    @Override
    String source() {
        return source;
    }

    @Override
    String destination() {
        return destination;
    }
}
