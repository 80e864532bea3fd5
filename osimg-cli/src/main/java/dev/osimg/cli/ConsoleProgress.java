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
        bar = new ProgressBarBuilder()
                .setTaskName(step)
                .setInitialMax(totalBytes)
                .setStyle(ProgressBarStyle.ASCII)
                .setUnit("MiB", 1 << 20)
                .showSpeed()
                .setUpdateIntervalMillis(200)
                .setConsumer(new ConsoleProgressBarConsumer(err))
                .clearDisplayOnFinish()
                .build();
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
