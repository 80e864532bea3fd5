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

    /** The payload's stored bytes cannot be decoded (a corrupt zstd frame): as much a verification failure as a wrong hash. */
    public PayloadVerificationException(String payload, String location, String problem, Throwable cause) {
        super("payload \"" + payload + "\" of " + location + ": " + problem, cause);
        this.payload = payload;
        this.chunk = -1;
    }

    /** The payload's name. */
    public String payload() {
        return payload;
    }

    /** The zero-based index of the chunk that failed, or -1 when the stored bytes could not be decoded. */
    public long chunk() {
        return chunk;
    }
}
