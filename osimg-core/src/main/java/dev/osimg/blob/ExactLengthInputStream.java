package dev.osimg.blob;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes exactly {@code length} bytes through and fails when the source ends early or holds
 * more: a short or long blob is an error, never a silent short read.
 */
public final class ExactLengthInputStream extends FilterInputStream {
    private final long length;
    private final String what;
    private long position;

    public ExactLengthInputStream(InputStream in, long length, String what) {
        super(in);
        this.length = length;
        this.what = what;
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
        if (position == length) {
            if (in.read() >= 0) {
                throw new BlobSizeMismatchException(what + " is longer than its declared size of " + length + " bytes");
            }
            return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, length - position));
        if (n < 0) {
            throw new EOFException(what + " ended after " + position + " of " + length + " bytes");
        }
        position += n;
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = in.skip(Math.min(n, length - position));
        position += skipped;
        return skipped;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(in.available(), length - position);
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
