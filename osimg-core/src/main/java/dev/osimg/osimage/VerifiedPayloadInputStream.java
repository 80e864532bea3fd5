package dev.osimg.osimage;

import dev.osimg.blob.ChunkPipeline;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;

/**
 * The uncompressed content of a payload, released chunk by chunk only after each chunk's
 * SHA-256 matched the config. Chunks are hashed on all cores ahead of the reader; {@link #skip}
 * verifies without copying.
 */
public final class VerifiedPayloadInputStream extends InputStream {
    private static final int COPY_PIECE = 64 << 10;

    private final ChunkPipeline pipeline;
    private final List<String> expected;
    private final String payload;
    private final String location;
    private ChunkPipeline.Chunk current;
    private ByteBuffer remaining;
    private boolean done;

    VerifiedPayloadInputStream(ReadableByteChannel content, PayloadInfo info, String location) {
        this.pipeline = new ChunkPipeline(content, Math.toIntExact(info.hashChunkSize()), info.size(),
                location + ": payload \"" + info.name() + "\"");
        this.expected = info.chunkHashes();
        this.payload = info.name();
        this.location = location;
    }

    @Override
    public int read() throws IOException {
        if (!ensureChunk()) {
            return -1;
        }
        return remaining.get() & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!ensureChunk()) {
            return -1;
        }
        int n = Math.min(len, remaining.remaining());
        remaining.get(b, off, n);
        return n;
    }

    /** Verifies and passes over up to {@code n} bytes, at most to the end of the current chunk; 0 only at the end. */
    @Override
    public long skip(long n) throws IOException {
        if (n <= 0 || !ensureChunk()) {
            return 0;
        }
        int step = (int) Math.min(n, remaining.remaining());
        remaining.position(remaining.position() + step);
        return step;
    }

    @Override
    public long transferTo(OutputStream out) throws IOException {
        byte[] piece = new byte[COPY_PIECE];
        long total = 0;
        while (ensureChunk()) {
            int n = Math.min(piece.length, remaining.remaining());
            remaining.get(piece, 0, n);
            out.write(piece, 0, n);
            total += n;
        }
        return total;
    }

    /** Makes {@link #remaining} a verified chunk with bytes left; false at the end of the payload. */
    private boolean ensureChunk() throws IOException {
        if (remaining != null && remaining.hasRemaining()) {
            return true;
        }
        if (current != null) {
            pipeline.release(current);
            current = null;
            remaining = null;
        }
        if (done) {
            return false;
        }
        ChunkPipeline.Chunk next = pipeline.next();
        if (next == null) {
            done = true;
            return false;
        }
        byte[] actual = next.awaitSha256();
        byte[] wanted = decode(expected.get((int) next.index()), next.index());
        if (!MessageDigest.isEqual(actual, wanted)) {
            pipeline.release(next);
            throw new PayloadVerificationException(payload, next.index(), expected.size());
        }
        current = next;
        remaining = next.data();
        return true;
    }

    private byte[] decode(String base64, long index) throws IOException {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new OsImageFormatException(location + ": chunk_hashes_sha256[" + index + "] of payload \"" + payload
                    + "\" is not base64: " + e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        pipeline.close();
    }
}
