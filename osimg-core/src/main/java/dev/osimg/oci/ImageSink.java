package dev.osimg.oci;

import dev.osimg.blob.Blob;
import dev.osimg.blob.Progress;
import java.io.IOException;

/**
 * Where an image is written: a layout directory or a registry repository. Blobs go in first
 * (possibly in parallel), the manifest last; until {@link #putManifest} succeeds, nothing at the
 * destination looks like a complete image, and {@link #close} drops what is unfinished.
 */
public interface ImageSink extends AutoCloseable {
    /** Where the image goes, for messages. */
    String location();

    /**
     * Stores one blob of {@code source} unless the destination has it; the bytes are checked
     * against the descriptor's digest and size (here or by the registry). Safe to call from
     * several threads for different blobs. Reports the bytes it sends to {@code progress}, not a blob it skips:
     * the caller learns that from the outcome.
     */
    BlobOutcome putBlob(OciImage source, Descriptor descriptor, Blob blob, Progress progress) throws IOException;

    /** Stores the manifest after all its blobs, making the image visible; returns its descriptor. */
    Descriptor putManifest(OciImage source) throws IOException;

    @Override
    void close() throws IOException;
}
