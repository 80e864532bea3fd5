package dev.osimg.cli;

import dev.osimg.blob.Progress;
import java.io.PrintWriter;

/**
 * Prints one line per finished phase (with its duration) on stderr, and passes progress on to the bars.
 * A phase's line is held until the next phase begins or the command calls {@link #succeeded()}:
 * {@code end()} also runs when a phase fails, and a failed phase must not read "done".
 */
final class PhaseLog implements CommandProgress {
    private final Progress bars;
    private final PrintWriter err;
    private String step;
    private long started;
    private long bytes;
    private String pending;

    PhaseLog(Progress bars, PrintWriter err) {
        this.bars = bars;
        this.err = err;
    }

    @Override
    public void begin(String name, long totalBytes) {
        flush();
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
        pending = String.format("%-7s done: %s in %s", step, Sizes.bytes(bytes), Sizes.seconds(nanos));
    }

    /** The command finished: the last phase's line may be printed. */
    @Override
    public void succeeded() {
        flush();
    }

    private void flush() {
        if (pending != null && err != null) {
            err.println(pending);
            err.flush();
        }
        pending = null;
    }
}
