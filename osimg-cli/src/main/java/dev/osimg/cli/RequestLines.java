package dev.osimg.cli;

import dev.osimg.registry.HttpExchange;
import dev.osimg.registry.RegistryListener;
import dev.osimg.registry.StatusText;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * With {@code -v}: one line on stderr per HTTP request (method, URL, status, time, retry), as the registry client
 * reports them with their secrets hidden: of the Authorization header only the scheme, URL query values that may be
 * tokens or passwords replaced. Retries and skipped mirrors go on to the lines every command shows.
 */
final class RequestLines implements RegistryListener {
    private final PrintWriter err;
    private final RegistryListener next;

    RequestLines(PrintWriter err, RegistryListener next) {
        this.err = err;
        this.next = next;
    }

    @Override
    public void exchanged(HttpExchange e) {
        String auth = e.authorization() == null ? "" : " (Authorization: " + e.authorization() + " <hidden>)";
        String outcome = e.status() >= 0 ? e.status() + " " + StatusText.of(e.status()) : e.failure();
        String retry = e.attempt() > 1 ? ", retry " + (e.attempt() - 1) : "";
        synchronized (err) {
            err.println("osimg: " + e.method() + " " + e.url() + auth + " -> " + outcome + " (" + millis(e.elapsed()) + retry + ")");
            err.flush();
        }
    }

    @Override
    public void retrying(String what, int retry, int maxRetries, Duration delay, String reason, Duration requested) {
        next.retrying(what, retry, maxRetries, delay, reason, requested);
    }

    @Override
    public void mirrorSkipped(String mirror, String reason) {
        next.mirrorSkipped(mirror, reason);
    }

    private static String millis(Duration d) {
        return d.toMillis() + " ms";
    }
}
