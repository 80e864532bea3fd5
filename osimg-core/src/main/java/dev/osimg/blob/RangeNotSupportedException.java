package dev.osimg.blob;

import java.io.IOException;

/**
 * A blob's source cannot hand out a byte range: the server answered a {@code Range} request with
 * the whole blob ({@code 200}) or refused it. Callers fall back to reading the whole blob.
 */
public final class RangeNotSupportedException extends IOException {
    public RangeNotSupportedException(String message) {
        super(message);
    }
}
