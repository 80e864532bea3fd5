package dev.osimg.osimage;

import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdIOException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Turns the zstd decoder's own failures ("Unknown frame descriptor", "Corrupted block") into a
 * {@link PayloadVerificationException} that names the payload: undecodable stored bytes are
 * damaged data, like a chunk whose hash does not match.
 */
final class ZstdDecodingFailures extends FilterInputStream {
    private final String payload;
    private final String location;
    private long produced;

    ZstdDecodingFailures(InputStream decoder, String payload, String location) {
        super(decoder);
        this.payload = payload;
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
        try {
            int n = in.read(b, off, len);
            if (n > 0) {
                produced += n;
            }
            return n;
        } catch (ZstdIOException | ZstdException e) {
            throw new PayloadVerificationException(payload, location, "the zstd data is corrupt after " + produced
                    + " decoded bytes (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        try {
            long skipped = in.skip(n);
            produced += skipped;
            return skipped;
        } catch (ZstdIOException | ZstdException e) {
            throw new PayloadVerificationException(payload, location, "the zstd data is corrupt after " + produced
                    + " decoded bytes (" + e.getMessage() + ")", e);
        }
    }
}
