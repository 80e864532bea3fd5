package dev.osimg.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;

/**
 * A proxy in front of a registry that injects the faults a fleet meets: a connection cut in the
 * middle of a blob, a 503 with Retry-After, a server that ignores Range, a wrong Content-Range,
 * a flipped byte. Each fault applies to the blob (or manifest) it is aimed at.
 */
public final class FaultProxy implements AutoCloseable {
    /** One request as the proxy saw it. */
    record Seen(String method, String path, String range) {
    }

    private final HttpServer server;
    private final String upstream;
    final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
    /** Response body bytes sent to clients, all requests together: what a transfer cost on the wire. */
    final java.util.concurrent.atomic.AtomicLong bodyBytes = new java.util.concurrent.atomic.AtomicLong();

    public volatile String targetBlob;
    volatile long cutAfterBytes = -1;
    volatile int cutsLeft;
    public volatile boolean ignoreRange;
    volatile boolean wrongContentRange;
    volatile long flipByteAt = -1;
    volatile int manifest503Left;
    /** Requests whose path contains this are answered with {@link #failStatus} instead of being forwarded. */
    volatile String failPathPart;
    volatile int failStatus;
    volatile String failRetryAfter;
    /** Requests whose path contains {@link #failPathPart} are answered with this redirect target (when set). */
    volatile String redirectTo;
    /** Requests whose path contains {@link #failPathPart} get a 401 with this WWW-Authenticate value (when set). */
    volatile String challenge;

    private FaultProxy(HttpServer server, String upstream) {
        this.server = server;
        this.upstream = upstream;
    }

    /** Starts a proxy on a free loopback port in front of {@code upstreamHost}. */
    public static FaultProxy start(String upstreamHost) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        FaultProxy proxy = new FaultProxy(http, upstreamHost);
        http.createContext("/", proxy::handle);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.start();
        return proxy;
    }

    /** {@code 127.0.0.1:PORT}. */
    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    long requests(String method, String pathPart) {
        synchronized (seen) {
            return seen.stream().filter(s -> s.method().equals(method) && s.path().contains(pathPart)).count();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String range = exchange.getRequestHeaders().getFirst("Range");
        seen.add(new Seen(exchange.getRequestMethod(), path, range));
        try (exchange) {
            if (path.contains("/manifests/") && manifest503Left > 0) {
                manifest503Left--;
                byte[] body = "{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"try later\"}]}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Retry-After", "1");
                exchange.sendResponseHeaders(503, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            if (failPathPart != null && path.contains(failPathPart) && answerInstead(exchange)) {
                return;
            }
            boolean target = targetBlob != null && path.endsWith("/blobs/" + targetBlob) && exchange.getRequestMethod().equals("GET");
            HttpURLConnection c = (HttpURLConnection) URI.create("http://" + upstream + exchange.getRequestURI()).toURL().openConnection();
            c.setRequestMethod(exchange.getRequestMethod());
            c.setInstanceFollowRedirects(true);
            for (String h : List.of("Accept", "Authorization")) {
                String v = exchange.getRequestHeaders().getFirst(h);
                if (v != null) {
                    c.setRequestProperty(h, v);
                }
            }
            if (range != null && !(target && ignoreRange)) {
                c.setRequestProperty("Range", range);
            }
            int status = c.getResponseCode();
            for (String h : List.of("Content-Type", "Docker-Content-Digest", "Content-Range", "WWW-Authenticate", "Retry-After")) {
                String v = c.getHeaderField(h);
                if (v != null) {
                    exchange.getResponseHeaders().set(h, v);
                }
            }
            long length = c.getContentLengthLong();
            if (target && status == 206 && wrongContentRange) {
                String actual = c.getHeaderField("Content-Range");
                long start = Long.parseLong(actual.substring("bytes ".length(), actual.indexOf('-')));
                exchange.getResponseHeaders().set("Content-Range", "bytes " + (start + 1) + actual.substring(actual.indexOf('-')));
            }
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().set("Content-Length", Long.toString(Math.max(0, length)));
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            exchange.sendResponseHeaders(status, length <= 0 ? -1 : length);
            if (in == null || length <= 0) {
                return;
            }
            OutputStream out = exchange.getResponseBody();
            boolean cut = target && cutAfterBytes >= 0 && cutsLeft > 0;
            if (cut) {
                cutsLeft--;
            }
            long position = range != null && status == 206 ? Long.parseLong(range.substring(6, range.indexOf('-'))) : 0;
            byte[] buffer = new byte[64 * 1024];
            long sent = 0;
            int n;
            try (in) {
                while ((n = in.read(buffer)) > 0) {
                    if (target && flipByteAt >= position && flipByteAt < position + n) {
                        buffer[(int) (flipByteAt - position)] ^= 0x01;
                    }
                    if (cut && sent + n > cutAfterBytes) {
                        out.write(buffer, 0, (int) (cutAfterBytes - sent));
                        out.flush();
                        // Closing with bytes missing makes the server drop the connection mid-body.
                        return;
                    }
                    out.write(buffer, 0, n);
                    bodyBytes.addAndGet(n);
                    sent += n;
                    position += n;
                }
            }
        }
    }

    /** Answers a scripted fault for the aimed-at path; false when no fault is set. */
    private boolean answerInstead(HttpExchange exchange) throws IOException {
        if (redirectTo != null) {
            exchange.getResponseHeaders().set("Location", redirectTo);
            exchange.sendResponseHeaders(307, -1);
            return true;
        }
        if (challenge != null) {
            exchange.getResponseHeaders().set("WWW-Authenticate", challenge);
            exchange.sendResponseHeaders(401, -1);
            return true;
        }
        if (failStatus == 0) {
            return false;
        }
        byte[] body = "{\"errors\":[{\"code\":\"UNAVAILABLE\",\"message\":\"try later\"}]}".getBytes(StandardCharsets.UTF_8);
        if (failRetryAfter != null) {
            exchange.getResponseHeaders().set("Retry-After", failRetryAfter);
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(failStatus, body.length);
        exchange.getResponseBody().write(body);
        return true;
    }

    /** Response body bytes sent so far. */
    public long bodyBytes() {
        return bodyBytes.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
