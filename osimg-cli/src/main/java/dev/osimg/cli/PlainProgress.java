package dev.osimg.cli;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress as plain lines (for logs and pipes): one at the start, one per tenth done, one per blob the destination
 * already had, and "done" at the end, printed only once the next step began or the command succeeded: a step that
 * fails, or a command that fails after it (a refused manifest), never reads "done".
 */
final class PlainProgress implements CommandProgress {
    private final PrintStream err;
    private final AtomicLong done = new AtomicLong();
    private volatile String step;
    private volatile long total;
    private volatile long startNanos;
    private int reportedTenths;
    private String pending;

    PlainProgress(PrintStream err) {
        this.err = err;
    }

    @Override
    public synchronized void begin(String name, long totalBytes) {
        flush();
        step = name;
        total = totalBytes;
        done.set(0);
        reportedTenths = 0;
        startNanos = System.nanoTime();
        err.println(name + ": " + (totalBytes >= 0 ? Sizes.bytes(totalBytes) : "unknown size"));
    }

    @Override
    public void advance(long bytes) {
        long now = done.addAndGet(bytes);
        if (total <= 0) {
            return;
        }
        int tenths = (int) Math.min(10, now * 10 / total);
        synchronized (this) {
            if (tenths > reportedTenths && tenths < 10) {
                reportedTenths = tenths;
                err.println(step + ": " + tenths * 10 + "% (" + Sizes.bytes(now) + ")");
            }
        }
    }

    @Override
    public void skipped(String item, long bytes, String reason) {
        synchronized (this) {
            err.println(step + ": " + item + " (" + Sizes.bytes(bytes) + ") skipped: " + reason);
        }
        advance(bytes);
    }

    @Override
    public synchronized void end() {
        long nanos = System.nanoTime() - startNanos;
        pending = step + ": done, " + Sizes.bytes(done.get()) + " in " + Sizes.seconds(nanos) + " (" + Sizes.rate(done.get(), nanos) + ")";
    }

    @Override
    public synchronized void succeeded() {
        flush();
    }

    private void flush() {
        if (pending != null) {
            err.println(pending);
            err.flush();
        }
        pending = null;
    }
}
