package dev.osimg.registry;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Cuts off an exchange whose bytes stop moving: progress resets the clock, silence longer than
 * the limit runs the cut-off action (disconnect, cancel) once. A slow link that keeps moving is
 * never cut off, however long the whole upload takes.
 */
final class StallWatchdog implements AutoCloseable {
    private final long limitNanos;
    private final Thread thread;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean done;
    private volatile boolean stalled;

    StallWatchdog(long limitMillis, Runnable cutOff) {
        this.limitNanos = limitMillis * 1_000_000L;
        this.thread = Thread.ofVirtual().name("osimg-stall-watchdog").start(() -> {
            while (!done) {
                try {
                    Thread.sleep(Math.max(10, Math.min(1000, limitMillis / 4)));
                } catch (InterruptedException e) {
                    return;
                }
                if (!done && System.nanoTime() - lastProgress > limitNanos) {
                    stalled = true;
                    cutOff.run();
                    return;
                }
            }
        });
    }

    /** Bytes moved: the clock starts again. */
    void progressed() {
        lastProgress = System.nanoTime();
    }

    /** Whether the cut-off ran. */
    boolean stalled() {
        return stalled;
    }

    /** A stream whose reads count as progress. */
    InputStream watch(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                progressed();
                return n;
            }
        };
    }

    @Override
    public void close() {
        done = true;
        thread.interrupt();
    }
}
