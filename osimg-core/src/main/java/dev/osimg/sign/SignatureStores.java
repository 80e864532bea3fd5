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
        return switch (reference) {
            case ImageReference.Layout layout -> new LayoutSignatureStore(layout.dir());
            case ImageReference.Registry registry -> new RegistrySignatureStore(client.repository(registry.host(), registry.repository()));
        };
    }
}
