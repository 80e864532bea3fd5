package dev.osimg.registry;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLException;

/**
 * The one retry policy for registry traffic: which failures are worth another attempt, how
 * long to wait (exponential backoff with jitter, or the server's {@code Retry-After}, capped),
 * and how many attempts one operation gets. An operation (a request, or a whole blob download
 * with its resumes) holds one {@link Budget}, so retries never multiply across layers. A host
 * that answered 429 or sent {@code Retry-After} holds back every request to it until then.
 */
final class RetryPolicy {
    /** The longest wait osimg accepts from {@code Retry-After}; a longer one is cut to this and said. */
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(60);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final int maxRetries;
    private final Duration initialBackoff;
    private final boolean retryConnectFailures;
    private final Duration maxRetryAfter;
    private final RegistryListener listener;
    private final Map<String, Instant> hostsHeldBack = new ConcurrentHashMap<>();

    RetryPolicy(int maxRetries, Duration initialBackoff, boolean retryConnectFailures, Duration maxRetryAfter,
            RegistryListener listener) {
        this.maxRetries = maxRetries;
        this.initialBackoff = initialBackoff;
        this.retryConnectFailures = retryConnectFailures;
        this.maxRetryAfter = maxRetryAfter;
        this.listener = listener;
    }

    /** The policy of a set of options. */
    static RetryPolicy of(RegistryOptions options) {
        return new RetryPolicy(options.maxRetries(), options.initialBackoff(), options.retryConnectFailures(), MAX_RETRY_AFTER,
                options.listener());
    }

    /** A fresh budget for one operation. */
    Budget budget(String what) {
        return new Budget(what, retryConnectFailures);
    }

    /** A budget that never retries a connection that cannot be made (for mirrors: the next source is tried instead). */
    Budget budgetWithoutConnectRetries(String what) {
        return new Budget(what, false);
    }

    /** One failed attempt: a status the server answered, or an exception before any answer. */
    record Failure(int status, String reason, String body, List<String> codes, Duration retryAfter, IOException cause) {
        /** An answer with a retryable status; {@code body} is the registry's error text. */
        static Failure of(int status, ErrorBody body, Duration retryAfter) {
            return new Failure(status, status + " " + StatusText.of(status), body.text(), body.codes(), retryAfter, null);
        }

        /** An exception on the way (connect, TLS, a broken connection). */
        static Failure of(IOException e) {
            return new Failure(0, describe(e), "", List.of(), null, e);
        }

        /** Whether the connection could not be made at all: refused, unknown host, no route, connect timeout. */
        boolean connectFailure() {
            return cause instanceof ConnectException || cause instanceof UnknownHostException
                    || cause instanceof NoRouteToHostException || cause instanceof HttpConnectTimeoutException
                    || (cause instanceof SocketTimeoutException s && s.getMessage() != null && s.getMessage().contains("onnect"));
        }

        /** Whether another attempt cannot help or must not happen: TLS trust, an interrupted thread. */
        boolean fatal() {
            return cause instanceof SSLException || cause instanceof RegistryException
                    || (cause instanceof InterruptedIOException && !(cause instanceof SocketTimeoutException))
                    || Thread.currentThread().isInterrupted();
        }
    }

    /** A wait before the next attempt; {@code requested} is the server's longer wish when it was capped. */
    record Delay(Duration duration, Duration requested) {
    }

    /** The wait after {@code retry} (from 1) failed attempts: {@code Retry-After} capped, else backoff with ±25% jitter. */
    Delay delay(Failure failure, int retry) {
        if (failure.retryAfter() != null) {
            if (failure.retryAfter().compareTo(maxRetryAfter) > 0) {
                return new Delay(maxRetryAfter, failure.retryAfter());
            }
            return new Delay(failure.retryAfter(), null);
        }
        long base = initialBackoff.toMillis() << Math.min(20, Math.max(0, retry - 1));
        long capped = Math.min(base, MAX_BACKOFF.toMillis());
        double jitter = 1 + (ThreadLocalRandom.current().nextDouble() - 0.5) / 2;
        return new Delay(Duration.ofMillis((long) (capped * jitter)), null);
    }

    /** Waits while a host that asked for a pause (429, {@code Retry-After}) is held back. */
    void awaitHost(String host) throws InterruptedIOException {
        Instant until = hostsHeldBack.get(host);
        if (until == null) {
            return;
        }
        long millis = Duration.between(Instant.now(), until).toMillis();
        if (millis <= 0) {
            hostsHeldBack.remove(host, until);
            return;
        }
        sleep(millis, "waiting for " + host);
    }

    private void holdBack(String host, Duration wait) {
        Instant until = Instant.now().plus(wait);
        hostsHeldBack.merge(host, until, (a, b) -> a.isAfter(b) ? a : b);
    }

    private static void sleep(long millis, String what) throws InterruptedIOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(what + " was interrupted");
        }
    }

    /** The attempts of one operation. */
    final class Budget {
        private final String what;
        private final boolean connectRetries;
        private int retries;

        private Budget(String what, boolean connectRetries) {
            this.what = what;
            this.connectRetries = connectRetries;
        }

        /** The operation moved forward (a resumed download got bytes): its failures so far are forgiven. */
        void progressed() {
            retries = 0;
        }

        /**
         * Records a failed attempt against {@code host}: waits and returns when another attempt
         * may go, else throws the error that ends the operation, with the last status and the
         * registry's error text.
         */
        void failed(Failure failure, String host, String url) throws IOException {
            boolean retryable = !failure.fatal() && (connectRetries || !failure.connectFailure());
            if (!retryable || retries >= maxRetries) {
                throw giveUp(failure, host, url);
            }
            retries++;
            Delay delay = delay(failure, retries);
            if (failure.status() == 429 || failure.retryAfter() != null) {
                holdBack(host, delay.duration());
            }
            listener.retrying(what, retries, maxRetries, delay.duration(), failure.reason(), delay.requested());
            sleep(delay.duration().toMillis(), what);
        }

        private IOException giveUp(Failure failure, String host, String url) {
            String attempts = retries == 0 ? "" : " (gave up after " + (retries + 1) + " attempts)";
            if (failure.cause() instanceof InterruptedIOException i && !(i instanceof SocketTimeoutException)) {
                return i;
            }
            if (failure.cause() != null) {
                String hint = failure.connectFailure() && !retryConnectFailures
                        ? " (connections that cannot be made are retried only with --retry-times)" : "";
                return new RegistryException(what + ": " + url + ": " + failure.reason() + attempts + hint, failure.cause());
            }
            return new RegistryException(what + ": " + host + " answered " + failure.reason()
                    + (failure.body().isEmpty() ? "" : ": " + failure.body()) + attempts + " (" + url + ")",
                    failure.status(), failure.codes());
        }
    }

    /** A readable reason for an exception before any answer. */
    static String describe(IOException e) {
        return switch (e) {
            case ConnectException c -> "connection refused" + (c.getMessage() == null || c.getMessage().equals("Connection refused")
                    ? "" : " (" + c.getMessage() + ")");
            case UnknownHostException u -> "unknown host " + u.getMessage() + ": check the registry name and DNS";
            case HttpConnectTimeoutException t -> "timed out connecting";
            case HttpTimeoutException t -> "timed out";
            case SocketTimeoutException t -> t.getMessage() != null && t.getMessage().contains("onnect") ? "timed out connecting"
                    : "no data for too long (read timed out)";
            case SSLException s -> "TLS failed: " + s.getMessage() + " (--ca-cert adds trusted certificates)";
            default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        };
    }
}
