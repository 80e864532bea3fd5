package dev.osimg.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * A blob download that survives broken connections: when the stream fails or ends early, it is
 * opened again from the current position ({@code Range: bytes=N-}). Every failed attempt, of a
 * read or of a reopening request, counts against the download's one retry budget, which is
 * forgiven whenever bytes arrive; the opener checks what the server answered.
 */
final class ResumingBlobInputStream extends InputStream {
    /** Opens the blob from an offset, with failed attempts counted against the budget; the stream starts exactly there. */
    interface Opener {
        InputStream openAt(long offset, RetryPolicy.Budget budget) throws IOException;
    }

    private final Opener opener;
    private final long size;
    private final RetryPolicy.Budget budget;
    private final String host;
    private final String url;
    private InputStream current;
    private long position;

    ResumingBlobInputStream(Opener opener, long size, RetryPolicy.Budget budget, String host, String url) throws IOException {
        this.opener = opener;
        this.size = size;
        this.budget = budget;
        this.host = host;
        this.url = url;
        this.current = opener.openAt(0, budget);
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
                if (current == null) {
                    current = opener.openAt(position, budget);
                }
                int n = current.read(b, off, len);
                if (n > 0) {
                    position += n;
                    budget.progressed();
                    return n;
                }
                if (n < 0 && position >= size) {
                    return -1;
                }
                failure = new IOException("the connection closed after " + position + " of " + size + " bytes");
            } catch (RegistryException | dev.osimg.blob.RangeNotSupportedException e) {
                throw e;
            } catch (InterruptedIOException e) {
                if (Thread.currentThread().isInterrupted() || !(e instanceof java.net.SocketTimeoutException)) {
                    throw e;
                }
                failure = e;
            } catch (IOException e) {
                failure = e;
            }
            closeQuietly();
            budget.failed(RetryPolicy.Failure.of(failure), host, url + " at byte " + position + " of " + size);
        }
    }

    private void closeQuietly() {
        if (current == null) {
            return;
        }
        try {
            current.close();
        } catch (IOException e) {
            // The broken connection is being replaced; how it closes does not matter.
        }
        current = null;
    }

    @Override
    public void close() throws IOException {
        if (current != null) {
            current.close();
        }
    }
}
