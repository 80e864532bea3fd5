package dev.osimg.cli;

import dev.osimg.registry.RegistryListener;
import java.io.PrintWriter;
import java.time.Duration;

/** Shows each registry retry and each skipped mirror as one line on stderr, so a person can see why a command waits. */
final class RetryLines implements RegistryListener {
    private final PrintWriter err;

    RetryLines(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void retrying(String what, int retry, int maxRetries, Duration delay, String reason, Duration requested) {
        String capped = requested == null ? "" : " (the registry asked for " + wait(requested) + ")";
        line("retrying " + retry + "/" + maxRetries + " in " + wait(delay) + capped + ": " + reason + " (" + what + ")");
    }

    @Override
    public void mirrorSkipped(String mirror, String reason) {
        line("mirror " + mirror + " skipped: " + reason);
    }

    private synchronized void line(String text) {
        err.println("osimg: " + text);
        err.flush();
    }

    /** {@code 1 s}, {@code 750 ms}: whole seconds from one second on. */
    static String wait(Duration d) {
        long millis = d.toMillis();
        return millis < 1000 ? millis + " ms" : Math.round(millis / 1000.0) + " s";
    }
}
