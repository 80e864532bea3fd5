package dev.osimg.osimage;

import dev.osimg.blob.ChunkPipeline;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;

/**
 * The uncompressed content of a payload, released chunk by chunk only after each chunk's
 * SHA-256 matched the config. Chunks are hashed on all cores ahead of the reader.
 */
final class VerifiedPayloadInputStream extends InputStream {
    private final ChunkPipeline pipeline;
    private final List<String> expected;
    private final String payload;
    private final String location;
    private ChunkPipeline.Chunk current;
    private int offset;
    private boolean done;

    VerifiedPayloadInputStream(InputStream content, PayloadInfo info, String location) {
        this.pipeline = new ChunkPipeline(content, Math.toIntExact(info.hashChunkSize()), info.size(),
                location + ": payload \"" + info.name() + "\"");
        this.expected = info.chunkHashes();
        this.payload = info.name();
        this.location = location;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!ensureChunk()) {
            return -1;
        }
        int n = Math.min(len, current.length() - offset);
        System.arraycopy(current.buffer(), offset, b, off, n);
        offset += n;
        return n;
    }

    @Override
    public long transferTo(java.io.OutputStream out) throws IOException {
        long total = 0;
        while (ensureChunk()) {
            int n = current.length() - offset;
            out.write(current.buffer(), offset, n);
            offset += n;
            total += n;
        }
        return total;
    }

    /** Makes {@link #current} a verified chunk with bytes left; false at the end of the payload. */
    private boolean ensureChunk() throws IOException {
        if (current != null && offset < current.length()) {
            return true;
        }
        if (current != null) {
            pipeline.release(current);
            current = null;
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
        offset = 0;
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
