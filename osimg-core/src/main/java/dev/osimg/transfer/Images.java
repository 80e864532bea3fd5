package dev.osimg.transfer;

import dev.osimg.oci.ImageReference;
import dev.osimg.oci.ImageSink;
import dev.osimg.oci.ImageSources;
import dev.osimg.oci.LayoutSink;
import dev.osimg.oci.MediaTypes;
import dev.osimg.oci.OciImage;
import dev.osimg.osimage.OsImage;
import dev.osimg.osimage.Payload;
import dev.osimg.registry.RegistryClient;
import dev.osimg.registry.RegistrySink;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Opens sources and sinks for any {@link ImageReference}, so that a copy never asks where the ends are. */
public final class Images {
    private Images() {
    }

    /** The image a reference names (layout or registry). */
    public static OciImage open(ImageReference reference, RegistryClient client) throws IOException {
        return ImageSources.open(reference, client);
    }

    /**
     * A sink for a reference. Into a layout, an OS image is checked chunk by chunk before it
     * becomes visible; {@code sourceTag} names the manifest in the layout when the reference has
     * no tag of its own (may be null).
     */
    public static ImageSink sink(ImageReference reference, RegistryClient client, String sourceTag) throws IOException {
        return switch (reference) {
            case ImageReference.Layout layout -> LayoutSink.open(layout.dir(), layout.tag() != null ? layout.tag() : sourceTag,
                    Images::verifyOsImagePayloads);
            case ImageReference.Registry registry -> new RegistrySink(client, registry);
        };
    }

    /** For an OS image, reads every payload through the chunk-verifying stream; other artifacts pass. */
    static void verifyOsImagePayloads(OciImage staged) throws IOException {
        if (!MediaTypes.OS_IMAGE_ARTIFACT.equals(staged.manifest().artifactType())) {
            return;
        }
        OsImage os = OsImage.read(staged);
        for (Payload payload : os.payloads()) {
            try (InputStream in = payload.openVerified()) {
                in.transferTo(OutputStream.nullOutputStream());
            }
        }
    }
}
