package dev.osimg.blob;

import java.io.IOException;

/** A blob whose bytes do not match its declared size. */
public final class BlobSizeMismatchException extends IOException {
    public BlobSizeMismatchException(String message) {
        super(message);
    }
}
