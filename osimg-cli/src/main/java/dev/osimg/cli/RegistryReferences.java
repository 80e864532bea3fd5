package dev.osimg.cli;

import dev.osimg.oci.ImageReference;

/** Command-line arguments that must name a registry, not a layout directory. */
final class RegistryReferences {
    private RegistryReferences() {
    }

    static ImageReference.Registry parse(String text, String command) {
        if (ImageReference.parse(text) instanceof ImageReference.Registry r) {
            return r;
        }
        throw new IllegalArgumentException(text + " is a layout directory; osimg " + command + " works on a registry "
                + "(HOST[:PORT]/REPO)");
    }
}
