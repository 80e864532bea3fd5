package dev.osimg.cli;

import dev.osimg.blob.Progress;
import java.io.PrintWriter;

/** Prints one line per finished phase (with its duration) on stderr, and passes progress on to the bars. */
final class PhaseLog implements Progress {
    private final Progress bars;
    private final PrintWriter err;
    private String step;
    private long started;
    private long bytes;

    PhaseLog(Progress bars, PrintWriter err) {
        this.bars = bars;
        this.err = err;
    }

    @Override
    public void begin(String name, long totalBytes) {
        step = name;
        bytes = 0;
        started = System.nanoTime();
        bars.begin(name, totalBytes);
    }

    @Override
    public void advance(long n) {
        bytes += n;
        bars.advance(n);
    }

    @Override
    public void end() {
        bars.end();
        long nanos = System.nanoTime() - started;
        if (err != null) {
            err.printf("%-7s done: %s in %s%n", step, Sizes.bytes(bytes), Sizes.seconds(nanos));
            err.flush();
        }
    }
}
