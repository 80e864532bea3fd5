package dev.osimg.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;

/**
 * A blob download that survives broken connections: when the stream fails or ends early, it is
 * opened again from the current position ({@code Range: bytes=N-}) after a backoff, until the
 * retry budget is spent without progress. The opener checks what the server answered.
 */
final class ResumingBlobInputStream extends InputStream {
    /** Opens the blob from an offset; the stream starts exactly at that offset. */
    interface Opener {
        InputStream openAt(long offset) throws IOException;
    }

    private final Opener opener;
    private final long size;
    private final int maxResumes;
    private final Duration backoff;
    private final String what;
    private InputStream current;
    private long position;
    private int resumesWithoutProgress;
    private long positionAtLastResume = -1;

    ResumingBlobInputStream(Opener opener, long size, int maxResumes, Duration backoff, String what) throws IOException {
        this.opener = opener;
        this.size = size;
        this.maxResumes = maxResumes;
        this.backoff = backoff;
        this.what = what;
        this.current = opener.openAt(0);
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
        while (true) {
            IOException failure;
            try {
                int n = current.read(b, off, len);
                if (n > 0) {
                    position += n;
                    return n;
                }
                if (n < 0 && position >= size) {
                    return -1;
                }
                failure = new IOException("connection closed after " + position + " of " + size + " bytes");
            } catch (InterruptedIOException e) {
                throw e;
            } catch (RegistryException e) {
                throw e;
            } catch (IOException e) {
                failure = e;
            }
            resume(failure);
        }
    }

    private void resume(IOException firstFailure) throws IOException {
        if (position != positionAtLastResume) {
            resumesWithoutProgress = 0;
            positionAtLastResume = position;
        }
        try {
            current.close();
        } catch (IOException e) {
            // The broken connection is being replaced; how it closes does not matter.
        }
        IOException failure = firstFailure;
        while (true) {
            if (++resumesWithoutProgress > maxResumes) {
                throw new IOException(what + ": download broke at byte " + position + " of " + size + " and could not be resumed after "
                        + maxResumes + " attempts: " + failure.getMessage(), failure);
            }
            try {
                Thread.sleep(backoff.toMillis() << Math.min(10, resumesWithoutProgress - 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException(what + ": interrupted while waiting to resume");
            }
            try {
                current = opener.openAt(position);
                return;
            } catch (RegistryException | InterruptedIOException | dev.osimg.blob.RangeNotSupportedException e) {
                throw e;
            } catch (IOException e) {
                failure = e;
            }
        }
    }

    @Override
    public void close() throws IOException {
        current.close();
    }
}
