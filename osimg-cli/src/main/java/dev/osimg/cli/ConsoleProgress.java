package dev.osimg.cli;

import dev.osimg.blob.Progress;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * Progress bars on stderr when it is a terminal; silence otherwise (results still print). A bar is erased when its
 * step ends, leaving the cursor where the bar was (no blank line), so it never shows a finished state the command may
 * not reach; a blob the destination had already gets its own line above the bar.
 */
final class ConsoleProgress implements CommandProgress {
    private final PrintStream err;
    private ProgressBar bar;
    private Line line;

    private ConsoleProgress(PrintStream err) {
        this.err = err;
    }

    /** A progress display for this process, or {@link Progress#NONE} when not on a terminal or when quiet. */
    static Progress forTerminal(boolean quiet) {
        if (quiet || !onTerminal()) {
            return Progress.NONE;
        }
        return new ConsoleProgress(System.err);
    }

    /** Bars on a terminal, plain lines on stderr otherwise, nothing when quiet: for long transfers. */
    static CommandProgress forTransfer(boolean quiet) {
        if (quiet) {
            return CommandProgress.NONE;
        }
        if (!onTerminal()) {
            return new PlainProgress(System.err);
        }
        return new ConsoleProgress(System.err);
    }

    /**
     * Whether stderr, where progress goes, is a terminal: its descriptor links to a terminal device. (The JDK's
     * {@code Console} answers for stdin and stdout instead, which put bars into a {@code 2>log} file and plain lines
     * on a terminal whose stdout was redirected; {@code isatty} through native code would cost start-up time.)
     */
    static boolean onTerminal() {
        try {
            String device = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return device.startsWith("/dev/pts/") || device.startsWith("/dev/tty") || device.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    @Override
    public synchronized void begin(String step, long totalBytes) {
        if (totalBytes < 0) {
            // A bar of unknown length shows only "0/?": a step without a size gets no bar.
            bar = null;
            return;
        }
        line = new Line(err);
        bar = new ProgressBarBuilder()
                .setTaskName(label(step))
                .setInitialMax(totalBytes)
                .setRenderer(new BarRenderer())
                .setUpdateIntervalMillis(200)
                .setConsumer(line)
                .clearDisplayOnFinish()
                .build();
    }

    /** A label short enough to leave the bar room on 80 columns: long ones (a copy's two locations) keep their first word. */
    static String label(String step) {
        return step.length() <= 20 ? step : step.substring(0, Math.max(1, step.indexOf(' ') > 0 ? step.indexOf(' ') : 20));
    }

    @Override
    public void advance(long bytes) {
        ProgressBar current = bar;
        if (current != null) {
            current.stepBy(bytes);
        }
    }

    @Override
    public void skipped(String item, long bytes, String reason) {
        String text = shortDigests(item) + " (" + Sizes.bytes(bytes) + "): skipped: " + reason;
        Line current = line;
        if (bar != null && current != null) {
            current.printAbove(text);
        } else {
            err.println(text);
        }
        advance(bytes);
    }

    /** {@code sha256:} and 12 hex digits, as docker shows them: a whole digest would push the line past 80 columns. */
    static String shortDigests(String text) {
        return text.replaceAll("(sha256:[0-9a-f]{12})[0-9a-f]{52}", "$1");
    }

    @Override
    public synchronized void end() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    /**
     * Draws the bar on one line it shares with lines printed above it; on close it leaves the erased line for the
     * next output instead of ending it (the library's consumer prints a newline there: a blank line after every bar).
     */
    private static final class Line extends ConsoleProgressBarConsumer {
        private final PrintStream out;

        Line(PrintStream out) {
            super(out);
            this.out = out;
        }

        @Override
        public synchronized void accept(String rendered) {
            super.accept(rendered);
        }

        synchronized void printAbove(String text) {
            out.print("\r" + " ".repeat(Math.max(0, getMaxRenderedLength())) + "\r" + text + System.lineSeparator());
            out.flush();
        }

        @Override
        public synchronized void close() {
            out.flush();
        }
    }
}
