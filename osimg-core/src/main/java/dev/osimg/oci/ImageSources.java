package dev.osimg.oci;

import java.io.IOException;

/** Opens the image a reference names, wherever it is. */
public final class ImageSources {
    private ImageSources() {
    }

    /** Resolves a reference to its manifest; blobs are read later, on demand. */
    public static OciImage open(ImageReference reference) throws IOException {
        return switch (reference) {
            case ImageReference.Layout layout -> OciLayout.open(layout.dir()).image(layout.tag());
            case ImageReference.Registry registry -> throw new UnsupportedReferenceException(
                    registry + " is a registry reference; this build of osimg reads OCI layout directories only "
                            + "(use oci:DIR[:TAG] or a directory path)");
        };
    }

    /** A reference to a kind of source this build cannot read. */
    public static final class UnsupportedReferenceException extends IOException {
        public UnsupportedReferenceException(String message) {
            super(message);
        }
    }
}
