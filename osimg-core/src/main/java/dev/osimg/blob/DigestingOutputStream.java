package dev.osimg.blob;

import dev.osimg.oci.Digest;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/** Computes the SHA-256 of everything written through it and counts the bytes. */
public final class DigestingOutputStream extends FilterOutputStream {
    private final MessageDigest sha256 = Digest.newSha256();
    private long count;

    public DigestingOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        sha256.update((byte) b);
        count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        sha256.update(b, off, len);
        count += len;
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
