package dev.osimg.transfer;

import dev.osimg.oci.BlobTap;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Hands a blob's bytes from the thread that downloads it to a thread that checks it, through a
 * few buffers in flight (bounded memory). The writer side is a {@link BlobTap.Receiver}, the
 * reader side an {@link InputStream} that ends when the writer completes and fails when it aborts.
 */
final class BlobPipe implements BlobTap.Receiver {
    private static final int BUFFERS_IN_FLIGHT = 8;
    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(BUFFERS_IN_FLIGHT);
    private volatile Throwable aborted;
    private volatile boolean readerGone;

    @Override
    public void accept(byte[] bytes, int offset, int length) throws IOException {
        if (readerGone) {
            return;
        }
        byte[] copy = new byte[length];
        System.arraycopy(bytes, offset, copy, 0, length);
        put(copy);
    }

    @Override
    public void complete() throws IOException {
        if (!readerGone) {
            put(END);
        }
    }

    @Override
    public void abort(Throwable cause) {
        aborted = cause;
        queue.clear();
        queue.offer(END);
    }

    private void put(byte[] item) throws IOException {
        try {
            while (!readerGone) {
                if (queue.offer(item, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while passing on blob bytes");
        }
    }

    /** The reading side; closing it early tells the writer to stop passing bytes on. */
    InputStream reader() {
        return new InputStream() {
            private byte[] current = new byte[0];
            private int position;
            private boolean ended;

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
                while (position == current.length) {
                    if (ended) {
                        return -1;
                    }
                    try {
                        current = queue.take();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while waiting for blob bytes");
                    }
                    position = 0;
                    if (current == END) {
                        ended = true;
                        if (aborted != null) {
                            throw new IOException("the transfer of the blob failed: " + aborted.getMessage(), aborted);
                        }
                    }
                }
                int n = Math.min(len, current.length - position);
                System.arraycopy(current, position, b, off, n);
                position += n;
                return n;
            }

            @Override
            public void close() {
                readerGone = true;
                queue.clear();
            }
        };
    }
}
