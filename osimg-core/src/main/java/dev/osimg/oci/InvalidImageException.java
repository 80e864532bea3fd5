package dev.osimg.oci;

import java.io.IOException;

/** An image's own documents (index, manifest, config) break the format: the image is invalid, not the transfer. */
public class InvalidImageException extends IOException {
    public InvalidImageException(String message) {
        super(message);
    }

    public InvalidImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
