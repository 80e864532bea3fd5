package dev.osimg.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code osimg pull}: an image from a registry into a layout directory. */
@Command(name = "pull", sortOptions = false,
        description = {"Pull an image from a registry into a layout directory.",
            "",
            "Downloads the manifest and the blobs the layout does not have yet, checks every blob against "
                    + "its digest and an OS image's payloads chunk by chunk, and only then makes the image appear: "
                    + "a new directory is created by a rename when complete, an existing layout gains the image and "
                    + "its tag. The same as osimg copy REFERENCE DIR.",
            "",
            "Prints the manifest digest."})
final class PullCommand extends TransferCommand {
    @Parameters(index = "0", paramLabel = "REFERENCE", description = "HOST[:PORT]/REPO[:TAG][@sha256:HEX] to pull.")
    String source;

    @Parameters(index = "1", paramLabel = "DIR", description = "The layout directory: new, empty, or an existing layout.")
    String destination;

    @CommandLine.Mixin
    SignatureOptionsMixin signatures;

    @Override
    SignatureOptionsMixin signatureCheck() {
        return signatures;
    }

    @Override
    String source() {
        return source;
    }

    @Override
    String destination() {
        return layout(destination);
    }
}
