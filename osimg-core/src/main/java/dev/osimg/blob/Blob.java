package dev.osimg.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.util.Optional;

/** A sized, re-openable byte source: a file, bytes in memory, a slice of a file, a remote blob. */
public interface Blob {
    /** The number of bytes {@link #open()} yields. */
    long size();

    /** A new stream over the whole blob. */
    InputStream open() throws IOException;

    /**
     * A new channel over the whole blob; a local file's channel reads straight into direct
     * buffers, saving a copy on the hot path.
     */
    default ReadableByteChannel openChannel() throws IOException {
        return new InputStreamChannel(open());
    }

    /**
     * A plain local file holding exactly this blob's bytes, when there is one, so that callers
     * can clone or {@code copy_file_range} it instead of streaming it.
     */
    default Optional<Path> localFile() {
        return Optional.empty();
    }
}
