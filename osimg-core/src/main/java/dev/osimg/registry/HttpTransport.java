package dev.osimg.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

/**
 * Moves one HTTP exchange over the JDK's HTTP stacks. {@link HttpURLConnection} streams bodies
 * several times faster than {@code java.net.http} on this path (measured: 1 GiB over loopback
 * in about 1 s against 3.5 to 5 s), so it carries every method it knows; {@code PATCH}, which it
 * refuses, goes through {@link HttpClient}. Both pool keep-alive connections. The {@link HttpClient}
 * is made on the first {@code PATCH} only: making one loads the JDK's default TLS context and trust
 * store and starts a selector thread (about 0.2 s of CPU), which a pull or a monolithic push never uses.
 *
 * <p>No timeout covers a whole exchange, so an upload may take as long as the link needs; what
 * is bounded is silence: a connection that moves no byte of a request body, or of an answer, for
 * {@link #READ_TIMEOUT_MILLIS} is broken.
 */
final class HttpTransport implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    /** A connection silent this long is broken; blob downloads then resume, uploads are retried. */
    static final int READ_TIMEOUT_MILLIS = 120_000;
    private static final int COPY_BUFFER = 1 << 20;

    private final SSLContext ssl;
    private HttpClient client;

    HttpTransport(SSLContext ssl) {
        this.ssl = ssl;
    }

    private synchronized HttpClient client() {
        if (client != null) {
            return client;
        }
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofMillis(CONNECT_TIMEOUT_MILLIS));
        if (ssl != null) {
            builder.sslContext(ssl);
        }
        client = builder.build();
        return client;
    }

    RegistryHttp.Response exchange(String method, URI uri, Map<String, String> headers, RequestBody body) throws IOException {
        if (method.equals("PATCH")) {
            try {
                return viaHttpClient(method, uri, headers, body);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException(method + " " + Redaction.url(uri) + " was interrupted");
            }
        }
        try {
            return viaUrlConnection(method, uri, headers, body);
        } catch (RuntimeException e) {
            // The JDK's HTTP client throws these for answers it cannot parse (an empty WWW-Authenticate, a bad header).
            throw new RegistryException("the answer is malformed HTTP (a header that cannot be parsed, such as an empty "
                    + "WWW-Authenticate); the registry or a proxy in front of it is broken", e);
        }
    }

    private RegistryHttp.Response viaUrlConnection(String method, URI uri, Map<String, String> headers, RequestBody body)
            throws IOException {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        if (ssl != null && c instanceof HttpsURLConnection https) {
            https.setSSLSocketFactory(ssl.getSocketFactory());
        }
        c.setInstanceFollowRedirects(false);
        c.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
        c.setReadTimeout(READ_TIMEOUT_MILLIS);
        c.setUseCaches(false);
        c.setRequestMethod(method);
        headers.forEach(c::setRequestProperty);
        if (body != null || method.equals("POST") || method.equals("PUT")) {
            long length = body == null ? 0 : body.length();
            c.setDoOutput(true);
            c.setFixedLengthStreamingMode(length);
            // Socket writes have no timeout of their own: a peer that stops reading is cut off here.
            StallWatchdog watchdog = new StallWatchdog(READ_TIMEOUT_MILLIS, c::disconnect);
            try (watchdog; OutputStream out = c.getOutputStream()) {
                if (body != null) {
                    try (InputStream in = body.source().open()) {
                        copy(in, out, length, watchdog);
                    }
                }
            } catch (IOException e) {
                if (watchdog.stalled()) {
                    throw new java.net.SocketTimeoutException("the upload stalled: no bytes accepted for " + READ_TIMEOUT_MILLIS / 1000 + " s");
                }
                throw e;
            }
        }
        int status = c.getResponseCode();
        InputStream stream = status >= 400 ? c.getErrorStream() : c.getInputStream();
        if (stream == null) {
            stream = InputStream.nullInputStream();
        }
        Map<String, List<String>> fields = new HashMap<>();
        c.getHeaderFields().forEach((name, values) -> {
            if (name != null) {
                fields.put(name, values);
            }
        });
        return new RegistryHttp.Response(status, HttpHeaders.of(fields, (a, b) -> true), stream, uri);
    }

    private RegistryHttp.Response viaHttpClient(String method, URI uri, Map<String, String> headers, RequestBody body)
            throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri);
        headers.forEach(builder::header);
        var sending = new java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CompletableFuture<HttpResponse<InputStream>>>();
        try (StallWatchdog watchdog = new StallWatchdog(READ_TIMEOUT_MILLIS, () -> {
            var future = sending.get();
            if (future != null) {
                future.cancel(true);
            }
        })) {
            HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
                        try {
                            return watchdog.watch(body.source().open());
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }), body.length());
            builder.method(method, publisher);
            sending.set(client().sendAsync(builder.build(), HttpResponse.BodyHandlers.ofInputStream()));
            HttpResponse<InputStream> r = sending.get().get();
            return new RegistryHttp.Response(r.statusCode(), r.headers(), r.body(), uri);
        } catch (java.util.concurrent.CancellationException e) {
            throw new java.net.SocketTimeoutException("no bytes moved for " + READ_TIMEOUT_MILLIS / 1000 + " s (stalled)");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause().getMessage(), e.getCause());
        }
    }

    private static void copy(InputStream in, OutputStream out, long length, StallWatchdog watchdog) throws IOException {
        byte[] buffer = new byte[(int) Math.min(COPY_BUFFER, Math.max(1, length))];
        long done = 0;
        while (done < length) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("upload interrupted");
            }
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, length - done));
            if (n < 0) {
                throw new IOException("the request body ended after " + done + " of " + length + " bytes");
            }
            out.write(buffer, 0, n);
            watchdog.progressed();
            done += n;
        }
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
        }
    }
}
