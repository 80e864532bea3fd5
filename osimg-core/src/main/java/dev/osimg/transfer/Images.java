package dev.osimg.transfer;

import dev.osimg.oci.ImageReference;
import dev.osimg.oci.ImageSink;
import dev.osimg.transfer.ImageSources;
import dev.osimg.oci.LayoutSink;
import dev.osimg.oci.BlobTap;
import dev.osimg.oci.OciImage;
import dev.osimg.registry.RegistryClient;
import dev.osimg.registry.RegistrySink;
import java.io.IOException;

/** Opens sources and sinks for any {@link ImageReference}, so that a copy never asks where the ends are. */
public final class Images {
    private Images() {
    }

    /** The image a reference names (layout or registry). */
    public static OciImage open(ImageReference reference, RegistryClient client) throws IOException {
        return ImageSources.open(reference, client);
    }

    /**
     * A sink for copying {@code source} to a reference. Into a layout, an OS image is checked
     * chunk by chunk (while it downloads) before it becomes visible; {@code sourceTag} names the
     * manifest in the layout when the reference has no tag of its own (may be null).
     */
    public static ImageSink sink(ImageReference reference, RegistryClient client, OciImage source, String sourceTag) throws IOException {
        // instanceof, not a pattern switch (a class spun on first run): see ImageSources.open.
        if (reference instanceof ImageReference.Layout layout) {
            StreamingPayloadCheck check = StreamingPayloadCheck.of(source);
            return LayoutSink.open(layout.dir(), layout.tag() != null ? layout.tag() : sourceTag,
                    check == null ? BlobTap.NONE : check, check == null ? staged -> { } : check);
        }
        return new RegistrySink(client, (ImageReference.Registry) reference);
    }
}
