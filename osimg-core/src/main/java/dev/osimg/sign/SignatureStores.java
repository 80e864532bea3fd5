package dev.osimg.sign;

import dev.osimg.oci.ImageReference;
import dev.osimg.registry.RegistryClient;
import java.io.IOException;

/** The signature store that goes with an image reference: the same layout directory, or the same registry repository. */
public final class SignatureStores {
    private SignatureStores() {
    }

    /**
     * The store of {@code reference}. For a registry image this is the named registry itself, not
     * a mirror: signatures are looked up where the image's publisher put them.
     */
    public static SignatureStore of(ImageReference reference, RegistryClient client) throws IOException {
        // instanceof, not a pattern switch (a class spun on first run): see ImageSources.open.
        if (reference instanceof ImageReference.Layout layout) {
            return new LayoutSignatureStore(layout.dir());
        }
        ImageReference.Registry registry = (ImageReference.Registry) reference;
        return new RegistrySignatureStore(client.repository(registry.host(), registry.repository()));
    }
}
