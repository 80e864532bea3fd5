package dev.osimg.oci;

/** What storing one blob at a destination took: its bytes, or nothing because the destination had it already. */
public enum BlobOutcome {
    /** The bytes were sent and stored. */
    COPIED,
    /** The destination already held the blob; nothing was sent. */
    EXISTS,
    /** The registry linked the blob from another repository of its own; nothing was sent. */
    MOUNTED;

    /** Whether no byte of the blob was sent. */
    public boolean skipped() {
        return this != COPIED;
    }

    /** The word shown after {@code skipped:}, and in JSON. */
    public String reason() {
        return this == MOUNTED ? "mounted" : "exists";
    }
}
