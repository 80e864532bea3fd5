package dev.osimg.transfer;

import dev.osimg.oci.ImageReference;
import dev.osimg.oci.OciImage;
import dev.osimg.oci.OciLayout;

import dev.osimg.registry.RegistryClient;
import dev.osimg.registry.RegistryOptions;
import java.io.IOException;

/** Opens the image a reference names, wherever it is. */
public final class ImageSources {
    private ImageSources() {
    }

    /** Resolves a reference to its manifest with default registry options; blobs are read later, on demand. */
    public static OciImage open(ImageReference reference) throws IOException {
        if (reference instanceof ImageReference.Layout layout) {
            return OciLayout.open(layout.dir()).image(layout.tag());
        }
        // The client lives as long as the image uses it; its threads are daemons.
        return open(reference, new RegistryClient(RegistryOptions.defaults()));
    }

    /** Resolves a reference to its manifest, reaching registries through {@code client}. */
    public static OciImage open(ImageReference reference, RegistryClient client) throws IOException {
        // instanceof, not a pattern switch: the JDK spins a class for each pattern switch on its first run
        // (5-15 ms that the start-up cache cannot keep), and this runs at the start of most commands.
        if (reference instanceof ImageReference.Layout layout) {
            return OciLayout.open(layout.dir()).image(layout.tag());
        }
        return client.open((ImageReference.Registry) reference);
    }
}
