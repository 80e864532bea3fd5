package dev.osimg.blob;

import dev.osimg.digest.Digest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.security.MessageDigest;

/** Computes the SHA-256 of everything written through it and counts the bytes. */
public final class DigestingChannel implements WritableByteChannel {
    private final WritableByteChannel out;
    private final MessageDigest sha256 = Digest.newSha256();
    private long count;

    public DigestingChannel(WritableByteChannel out) {
        this.out = out;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        ByteBuffer view = src.duplicate();
        int n = out.write(src);
        view.limit(view.position() + n);
        sha256.update(view);
        count += n;
        return n;
    }

    @Override
    public boolean isOpen() {
        return out.isOpen();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    /** The digest of what was written so far; call once, at the end. */
    public Digest digest() {
        return Digest.fromSha256(sha256.digest());
    }

    /** How many bytes were written. */
    public long count() {
        return count;
    }
}
