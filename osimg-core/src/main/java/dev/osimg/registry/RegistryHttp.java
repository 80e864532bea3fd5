package dev.osimg.registry;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import dev.failsafe.function.ContextualSupplier;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLException;

/**
 * The one place for HTTP policy towards registries: which scheme a host gets, authentication
 * (anonymous, Basic, Bearer tokens from the challenge), the retry decision with exponential
 * backoff, jitter and {@code Retry-After}, redirects without leaking credentials, and errors
 * that say what was being done with redacted URLs. Endpoint callers build requests, this class
 * sends them.
 */
public final class RegistryHttp implements AutoCloseable {
    /** Error and token bodies are read up to this size only. */
    static final int MAX_SMALL_BODY = 1 << 20;
    private static final int MAX_REDIRECTS = 5;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final RegistryOptions options;
    private final HttpTransport transport;
    private final Authenticator authenticator;

    public RegistryHttp(RegistryOptions options) throws IOException {
        this.options = options;
        this.transport = new HttpTransport(options.caCert() == null ? null : TrustedCertificates.sslContextWith(options.caCert()));
        this.authenticator = new Authenticator(this, credentialSources(options));
    }

    private static List<CredentialSource> credentialSources(RegistryOptions options) throws IOException {
        List<CredentialSource> sources = new ArrayList<>();
        if (options.credential() != null) {
            sources.add(new CredentialSource() {
                @Override
                public java.util.Optional<ResolvedCredential> lookup(String host) {
                    return java.util.Optional.of(new ResolvedCredential(options.credential(), describe()));
                }

                @Override
                public String describe() {
                    return "--username/--password-stdin";
                }
            });
        } else {
            sources.add(DockerConfig.read(options.dockerConfig() == null ? DockerConfig.defaultFile() : options.dockerConfig()));
        }
        return sources;
    }

    /** The options in force. */
    public RegistryOptions options() {
        return options;
    }

    /** {@code http://HOST} for loopback hosts or with plain HTTP on, else {@code https://HOST}. */
    public URI base(String host) {
        boolean plain = options.plainHttp() || isLoopback(host);
        return URI.create((plain ? "http://" : "https://") + host);
    }

    /** Whether a {@code HOST[:PORT]} is localhost, in 127.0.0.0/8 or ::1, where plain HTTP is used by default. */
    public static boolean isLoopback(String hostAndPort) {
        String host = hostAndPort;
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end > 0 && (host.substring(1, end).equals("::1") || host.substring(1, end).equals("0:0:0:0:0:0:0:1"));
        }
        int colon = host.indexOf(':');
        if (colon >= 0) {
            host = host.substring(0, colon);
        }
        return host.equals("localhost") || host.matches("127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}");
    }

    /** One request to send: built again for every attempt, so that bodies can be sent twice. */
    public record Request(String method, URI uri, Map<String, String> headers, RequestBody body,
            List<String> scopes, String what) {
        public Request {
            headers = Map.copyOf(headers);
            scopes = List.copyOf(scopes);
        }

        /** A body-less request. */
        public static Request of(String method, URI uri, Map<String, String> headers, List<String> scopes, String what) {
            return new Request(method, uri, headers, null, scopes, what);
        }

        Request withUri(URI newUri) {
            return new Request(method, newUri, headers, body, scopes, what);
        }
    }

    /** An answer; the caller reads and closes the body. */
    public record Response(int status, HttpHeaders headers, InputStream body, URI uri, boolean authorized) implements Closeable {
        Response(int status, HttpHeaders headers, InputStream body, URI uri) {
            this(status, headers, body, uri, false);
        }

        /** A header's first value, or null. */
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    /**
     * Sends a request with authentication, retries and redirects. Any status can come back except
     * a final 401/403 (an authentication error) and retryable statuses when retries ran out (an
     * error); callers decide what the others mean, with {@link #fail} for the unexpected ones.
     */
    public Response send(Request request) throws IOException {
        Request current = request;
        boolean authRetried = false;
        for (int redirects = 0; ; ) {
            Response response = sendWithRetries(current);
            int status = response.status();
            if ((status == 401 || status == 403) && !authRetried && authenticator.handleChallenge(current, response)) {
                drain(response);
                authRetried = true;
                continue;
            }
            if (status == 401 || status == 403) {
                byte[] body = readSmall(response);
                throw authenticator.refused(current, status, ErrorBody.parse(body));
            }
            if (isRedirect(status) && (current.method().equals("GET") || current.method().equals("HEAD"))) {
                String location = response.header("Location");
                drain(response);
                if (location == null || ++redirects > MAX_REDIRECTS) {
                    throw new RegistryException(current.what() + ": too many redirects or a redirect without a location at "
                            + Redaction.url(current.uri()), status, List.of());
                }
                current = current.withUri(current.uri().resolve(location));
                continue;
            }
            if (isRetryable(status)) {
                throw fail(response, current.what());
            }
            return response;
        }
    }

    /** The error for an unexpected answer, with the registry's own message; closes the response. */
    public RegistryException fail(Response response, String what) throws IOException {
        ErrorBody body = ErrorBody.parse(readSmall(response));
        String message = what + ": " + response.uri().getAuthority() + " answered " + response.status()
                + (body.text().isEmpty() ? "" : ": " + body.text()) + " (" + Redaction.url(response.uri()) + ")";
        if (response.status() == 404) {
            return new RegistryNotFoundException(message, body.codes());
        }
        return new RegistryException(message, response.status(), body.codes());
    }

    private Response sendWithRetries(Request request) throws IOException {
        RetryPolicy<Response> policy = RetryPolicy.<Response>builder()
                .handle(IOException.class)
                .abortOn(SSLException.class)
                .abortOn(InterruptedIOException.class)
                .abortOn(RegistryException.class)
                .handleResultIf(r -> isRetryable(r.status()))
                .withMaxRetries(options.maxRetries())
                .withDelayFn(this::retryDelay)
                .build();
        ContextualSupplier<Response, Response> attempt = context -> sendOnce(request);
        try {
            return Failsafe.with(policy).get(attempt);
        } catch (FailsafeException e) {
            if (e.getCause() instanceof IOException io) {
                throw new RegistryException(request.what() + ": " + Redaction.url(request.uri()) + ": " + describe(io), io);
            }
            if (e.getCause() instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException(request.what() + " was interrupted");
            }
            throw e;
        }
    }

    private Response sendOnce(Request request) throws IOException, InterruptedException {
        java.util.Map<String, String> headers = new LinkedHashMap<>(request.headers());
        authenticator.authorization(request).ifPresent(value -> headers.put("Authorization", value));
        Response sent = transport.exchange(request.method(), request.uri(), headers, request.body());
        Response response = new Response(sent.status(), sent.headers(), sent.body(), sent.uri(), headers.containsKey("Authorization"));
        if (isRetryable(response.status())) {
            // The body of a response that will be retried is of no use; free the connection now.
            drain(response);
        }
        return response;
    }

    /** {@code Retry-After} when the server sent one, else exponential backoff with ±25% jitter. */
    private Duration retryDelay(dev.failsafe.ExecutionContext<Response> context) {
        Response last = context.getLastResult();
        if (last != null) {
            Duration retryAfter = retryAfter(last.header("Retry-After"));
            if (retryAfter != null) {
                return retryAfter;
            }
        }
        long base = options.initialBackoff().toMillis() << Math.min(20, Math.max(0, context.getAttemptCount() - 1));
        long capped = Math.min(base, MAX_BACKOFF.toMillis());
        double jitter = 1 + (ThreadLocalRandom.current().nextDouble() - 0.5) / 2;
        return Duration.ofMillis((long) (capped * jitter));
    }

    /** Parses {@code Retry-After}: delay seconds or an HTTP date; null when absent or malformed. */
    static Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        if (v.matches("[0-9]{1,9}")) {
            return Duration.ofSeconds(Long.parseLong(v));
        }
        try {
            Instant when = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration d = Duration.between(Instant.now(), when);
            return d.isNegative() ? Duration.ZERO : d;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The statuses worth repeating: 408, 425, 429, 499 and 5xx except 501, 505 and 511. */
    public static boolean isRetryable(int status) {
        if (status == 408 || status == 425 || status == 429 || status == 499) {
            return true;
        }
        return status >= 500 && status <= 599 && status != 501 && status != 505 && status != 511;
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** Sends a plain GET (for token servers) with retries but without registry authentication. */
    Response sendUnauthenticated(URI uri, Map<String, String> headers, String what) throws IOException {
        RetryPolicy<Response> policy = RetryPolicy.<Response>builder()
                .handle(IOException.class)
                .abortOn(SSLException.class)
                .handleResultIf(r -> isRetryable(r.status()))
                .withMaxRetries(options.maxRetries())
                .withDelayFn(this::retryDelay)
                .build();
        try {
            return Failsafe.with(policy).get(() -> {
                Response response = transport.exchange("GET", uri, headers, null);
                if (isRetryable(response.status())) {
                    drain(response);
                }
                return response;
            });
        } catch (FailsafeException e) {
            if (e.getCause() instanceof IOException io) {
                throw new RegistryException(what + ": " + Redaction.url(uri) + ": " + describe(io), io);
            }
            throw e;
        }
    }

    /** Reads at most {@link #MAX_SMALL_BODY} bytes of a body and closes it. */
    static byte[] readSmall(Response response) throws IOException {
        try (InputStream in = response.body()) {
            return in.readNBytes(MAX_SMALL_BODY);
        }
    }

    static void drain(Response response) {
        try (InputStream in = response.body()) {
            in.skip(MAX_SMALL_BODY);
        } catch (IOException e) {
            // The connection is dropped instead of reused; nothing else depends on it.
        }
    }

    private static String describe(IOException e) {
        String name = e.getClass().getSimpleName();
        return switch (e) {
            case java.net.ConnectException c -> "connection refused" + (c.getMessage() == null ? "" : " (" + c.getMessage() + ")");
            case java.net.UnknownHostException u -> "unknown host " + u.getMessage() + ": check the registry name and DNS";
            case java.net.http.HttpTimeoutException t -> "timed out";
            default -> e.getMessage() == null ? name : e.getMessage();
        };
    }

    /** Header maps in insertion order, for building requests. */
    public static Map<String, String> headers(String... namesAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            map.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return map;
    }

    @Override
    public void close() {
        transport.close();
    }
}
