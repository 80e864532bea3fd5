package dev.osimg.cli;

import dev.osimg.blob.Progress;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;

/** Progress as plain lines (for logs and pipes): one at the start, one per tenth done, one at the end. */
final class PlainProgress implements Progress {
    private final PrintStream err;
    private final AtomicLong done = new AtomicLong();
    private volatile String step;
    private volatile long total;
    private volatile long startNanos;
    private int reportedTenths;

    PlainProgress(PrintStream err) {
        this.err = err;
    }

    @Override
    public void begin(String name, long totalBytes) {
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
    public void end() {
        long nanos = System.nanoTime() - startNanos;
        err.println(step + ": done, " + Sizes.bytes(done.get()) + " in " + Sizes.seconds(nanos) + " (" + Sizes.rate(done.get(), nanos) + ")");
    }
}
