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
     * A new stream of exactly {@code length} bytes starting at {@code offset}. Sources that cannot
     * seek read up to the offset and drop those bytes; a registry asks for the range only, and
     * throws {@link RangeNotSupportedException} when the server will not serve one.
     */
    default InputStream openRange(long offset, long length) throws IOException {
        checkRange(offset, length, size());
        InputStream in = open();
        try {
            in.skipNBytes(offset);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
        return new ExactLengthInputStream(new BoundedInputStream(in, length), length, "bytes " + offset + "+" + length);
    }

    /** Rejects a range that does not lie inside a blob of {@code size} bytes. */
    static void checkRange(long offset, long length, long size) {
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            throw new IllegalArgumentException("range of " + length + " bytes at " + offset + " is outside a blob of " + size + " bytes");
        }
    }

    /**
     * A plain local file holding exactly this blob's bytes, when there is one, so that callers
     * can clone or {@code copy_file_range} it instead of streaming it.
     */
    default Optional<Path> localFile() {
        return Optional.empty();
    }
}
