package dev.osimg.blob;

import dev.osimg.digest.Digest;
import java.io.IOException;

/** Content whose SHA-256 is not the digest it was addressed by. */
public final class DigestMismatchException extends IOException {
    private final Digest expected;
    private final Digest actual;

    public DigestMismatchException(String what, Digest expected, Digest actual) {
        super(what + " failed verification: expected digest " + expected + ", got " + actual);
        this.expected = expected;
        this.actual = actual;
    }

    public Digest expected() {
        return expected;
    }

    public Digest actual() {
        return actual;
    }
}
