package dev.osimg.osimage;

import java.io.IOException;

/** A payload chunk whose SHA-256 does not match the config. Never retried. */
public final class PayloadVerificationException extends IOException {
    private final String payload;
    private final long chunk;

    public PayloadVerificationException(String payload, long chunk, long chunkCount) {
        super("payload \"" + payload + "\": chunk " + chunk + " of " + chunkCount + " failed verification");
        this.payload = payload;
        this.chunk = chunk;
    }

    /** The payload's name. */
    public String payload() {
        return payload;
    }

    /** The zero-based index of the chunk that failed. */
    public long chunk() {
        return chunk;
    }
}
