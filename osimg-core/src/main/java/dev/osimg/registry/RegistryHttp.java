package dev.osimg.registry;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
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

    private final RegistryOptions options;
    private final HttpTransport transport;
    private final Authenticator authenticator;
    private final RetryPolicy retries;

    public RegistryHttp(RegistryOptions options) throws IOException {
        this.options = options;
        this.transport = new HttpTransport(options.caCert() == null ? null : TrustedCertificates.sslContextWith(options.caCert()));
        this.authenticator = new Authenticator(this, credentialSources(options));
        this.retries = RetryPolicy.of(options);
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
     * error with the last status and the registry's message); callers decide what the others
     * mean, with {@link #fail} for the unexpected ones.
     */
    public Response send(Request request) throws IOException {
        return send(request, retries.budget(request.what()));
    }

    /** Sends a request whose failed attempts count against {@code budget} (shared by an operation's requests). */
    Response send(Request request, RetryPolicy.Budget budget) throws IOException {
        Request current = request;
        boolean authRetried = false;
        for (int redirects = 0; ; ) {
            Response response = sendWithRetries(current, budget);
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
                drain(response);
                if (++redirects > MAX_REDIRECTS) {
                    throw new RegistryException(current.what() + ": more than " + MAX_REDIRECTS + " redirects, the last at "
                            + Redaction.url(current.uri()), status, List.of());
                }
                current = current.withUri(location(response, current.what()));
                continue;
            }
            return response;
        }
    }

    /** The error for an unexpected answer, with the registry's own message; closes the response. */
    public RegistryException fail(Response response, String what) throws IOException {
        ErrorBody body = ErrorBody.parse(readSmall(response));
        String message = what + ": " + response.uri().getAuthority() + " answered " + response.status() + " "
                + StatusText.of(response.status()) + (body.text().isEmpty() ? "" : ": " + body.text())
                + " (" + Redaction.url(response.uri()) + ")";
        if (response.status() == 404) {
            return new RegistryNotFoundException(message, body.codes());
        }
        return new RegistryException(message, response.status(), body.codes());
    }

    /**
     * The URL a response's {@code Location} header names, resolved against the request: only
     * {@code http} and {@code https} URLs with a host are followed, anything else is the
     * registry's error.
     */
    URI location(Response response, String what) throws RegistryException {
        String location = response.header("Location");
        if (location == null || location.isBlank()) {
            throw new RegistryException(what + ": " + response.uri().getAuthority() + " answered " + response.status()
                    + " without a Location header (" + Redaction.url(response.uri()) + ")", response.status(), List.of());
        }
        URI target;
        try {
            target = response.uri().resolve(new URI(location.trim()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new RegistryException(what + ": " + response.uri().getAuthority() + " answered " + response.status()
                    + " with a Location that is not a URL", response.status(), List.of());
        }
        String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || target.getHost() == null) {
            throw new RegistryException(what + ": " + response.uri().getAuthority() + " redirected to "
                    + (scheme.isEmpty() ? "a URL without a scheme" : "a " + scheme + ": URL")
                    + "; osimg follows only http and https URLs with a host", response.status(), List.of());
        }
        if (scheme.equals("http") && response.uri().getScheme().equals("https") && !options.plainHttp() && !isLoopback(target.getRawAuthority())) {
            throw new RegistryException(what + ": " + response.uri().getAuthority() + " redirected from https to plain http ("
                    + Redaction.url(target) + "); refused", response.status(), List.of());
        }
        return target;
    }

    private Response sendWithRetries(Request request, RetryPolicy.Budget budget) throws IOException {
        String host = request.uri().getAuthority();
        for (int attempt = 1; ; attempt++) {
            retries.awaitHost(host);
            Response response;
            try {
                response = sendOnce(request, attempt);
            } catch (IOException e) {
                budget.failed(RetryPolicy.Failure.of(e), host, Redaction.url(request.uri()));
                continue;
            }
            if (!isRetryable(response.status())) {
                return response;
            }
            // The error body is kept for the message should this be the last attempt; the connection is freed now.
            ErrorBody body = ErrorBody.parse(readSmall(response));
            budget.failed(RetryPolicy.Failure.of(response.status(), body, retryAfter(response.header("Retry-After"))), host,
                    Redaction.url(response.uri()));
        }
    }

    private Response sendOnce(Request request, int attempt) throws IOException {
        java.util.Map<String, String> headers = new LinkedHashMap<>(request.headers());
        authenticator.authorization(request).ifPresent(value -> headers.put("Authorization", value));
        Response sent = exchange(request.method(), request.uri(), headers, request.body(), attempt);
        return new Response(sent.status(), sent.headers(), sent.body(), sent.uri(), headers.containsKey("Authorization"));
    }

    /** One exchange over the transport, told to the listener with its secrets hidden. */
    private Response exchange(String method, URI uri, Map<String, String> headers, RequestBody body, int attempt)
            throws IOException {
        long start = System.nanoTime();
        String authorization = HttpExchange.scheme(headers.get("Authorization"));
        try {
            Response response = transport.exchange(method, uri, headers, body);
            options.listener().exchanged(new HttpExchange(method, Redaction.url(uri), authorization, response.status(), null,
                    Duration.ofNanos(System.nanoTime() - start), attempt));
            return response;
        } catch (IOException | RuntimeException e) {
            options.listener().exchanged(new HttpExchange(method, Redaction.url(uri), authorization, -1,
                    RetryPolicy.Failure.of(e instanceof IOException io ? io : new IOException(e)).reason(),
                    Duration.ofNanos(System.nanoTime() - start), attempt));
            throw e;
        }
    }

    /** Parses {@code Retry-After}: delay seconds or an HTTP date; null when absent or malformed. */
    static Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        if (v.matches("[0-9]{1,12}")) {
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
        RetryPolicy.Budget budget = retries.budget(what);
        String host = uri.getAuthority();
        for (int attempt = 1; ; attempt++) {
            retries.awaitHost(host);
            Response response;
            try {
                response = exchange("GET", uri, headers, null, attempt);
            } catch (IOException e) {
                budget.failed(RetryPolicy.Failure.of(e), host, Redaction.url(uri));
                continue;
            }
            if (!isRetryable(response.status())) {
                return response;
            }
            ErrorBody body = ErrorBody.parse(readSmall(response));
            budget.failed(RetryPolicy.Failure.of(response.status(), body, retryAfter(response.header("Retry-After"))), host,
                    Redaction.url(uri));
        }
    }

    /** A fresh retry budget for an operation of several requests (a download and its resumes). */
    RetryPolicy.Budget budget(String what) {
        return retries.budget(what);
    }

    /** A budget that does not retry connections that cannot be made (mirrors: the next source is tried instead). */
    RetryPolicy.Budget budgetWithoutConnectRetries(String what) {
        return retries.budgetWithoutConnectRetries(what);
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
