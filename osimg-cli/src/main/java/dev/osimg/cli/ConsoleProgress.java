package dev.osimg.cli;

import dev.osimg.blob.Progress;
import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Progress bars on stderr when it is a terminal; silence otherwise (results still print). */
final class ConsoleProgress implements Progress {
    private final PrintStream err;
    private ProgressBar bar;

    private ConsoleProgress(PrintStream err) {
        this.err = err;
    }

    /** A progress display for this process, or {@link Progress#NONE} when not on a terminal or when quiet. */
    static Progress forTerminal(boolean quiet) {
        if (quiet || System.console() == null || !System.console().isTerminal()) {
            return Progress.NONE;
        }
        return new ConsoleProgress(System.err);
    }

    /** Bars on a terminal, plain lines on stderr otherwise, nothing when quiet: for long transfers. */
    static Progress forTransfer(boolean quiet) {
        if (quiet) {
            return Progress.NONE;
        }
        if (System.console() == null || !System.console().isTerminal()) {
            return new PlainProgress(System.err);
        }
        return new ConsoleProgress(System.err);
    }

    @Override
    public void begin(String step, long totalBytes) {
        if (totalBytes < 0) {
            // A bar of unknown length shows only "0/?": a step without a size gets no bar.
            bar = null;
            return;
        }
        // Without showSpeed: the speed reads "?MiB/s" until the first update, and the bar fits 80 columns.
        bar = new ProgressBarBuilder()
                .setTaskName(label(step))
                .setInitialMax(totalBytes)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit("MiB", 1 << 20)
                .setUpdateIntervalMillis(200)
                .setConsumer(new ConsoleProgressBarConsumer(err))
                .clearDisplayOnFinish()
                .build();
    }

    /** A label short enough to leave the bar room on 80 columns: long ones (a copy's two locations) keep their first word. */
    static String label(String step) {
        return step.length() <= 20 ? step : step.substring(0, Math.max(1, step.indexOf(' ') > 0 ? step.indexOf(' ') : 20));
    }

    @Override
    public void advance(long bytes) {
        if (bar != null) {
            bar.stepBy(bytes);
        }
    }

    @Override
    public void end() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
