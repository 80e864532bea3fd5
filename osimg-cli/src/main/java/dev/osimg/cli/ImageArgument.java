package dev.osimg.cli;

import dev.osimg.oci.ImageReference;
import dev.osimg.transfer.ImageSources;
import dev.osimg.osimage.OsImage;
import dev.osimg.registry.RegistryClient;
import java.io.IOException;

/** Opens the OS image a command-line IMAGE argument names: a layout or a registry reference. */
final class ImageArgument {
    private ImageArgument() {
    }

    static OsImage open(String reference, RegistryClient client) throws IOException {
        return OsImage.read(ImageSources.open(ImageReference.parse(reference), client));
    }
}
