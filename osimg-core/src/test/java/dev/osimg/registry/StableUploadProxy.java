package dev.osimg.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Puts the upload behaviour of registries with stable session URLs (one URL per upload, a
 * PATCH that does not start where the upload stands is answered 416, as the distribution spec
 * says) in front of the distribution registry, whose session URLs change with every chunk. Can
 * drop its answer to one PATCH after the registry took the bytes: the fault that makes a client
 * send a chunk again and meet the 416.
 */
final class StableUploadProxy implements AutoCloseable {
    private final HttpServer server;
    private final String upstream;
    private final HttpClient http = HttpClient.newHttpClient();
    private volatile URI current;
    private volatile long size;
    /** The number of the PATCH (from 1) whose answer is dropped, or 0. */
    volatile int dropAnswerOfPatch;
    final AtomicInteger patches = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();

    private StableUploadProxy(HttpServer server, String upstream) {
        this.server = server;
        this.upstream = upstream;
    }

    static StableUploadProxy start(String upstreamHost) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        StableUploadProxy proxy = new StableUploadProxy(http, upstreamHost);
        http.createContext("/", proxy::handle);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.start();
        return proxy;
    }

    String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod();
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (path.equals("/upload") && method.equals("PATCH")) {
                int number = patches.incrementAndGet();
                String range = exchange.getRequestHeaders().getFirst("Content-Range");
                long start = Long.parseLong(range.substring(0, range.indexOf('-')));
                if (start != size) {
                    refused.incrementAndGet();
                    answerStatus(exchange, 416);
                    return;
                }
                HttpResponse<byte[]> r = forward("PATCH", current, body, exchange.getRequestHeaders().getFirst("Content-Type"), range);
                if (r.statusCode() == 202) {
                    current = current.resolve(r.headers().firstValue("Location").orElseThrow());
                    size += body.length;
                }
                if (number == dropAnswerOfPatch) {
                    return;
                }
                answerStatus(exchange, r.statusCode());
                return;
            }
            if (path.equals("/upload") && method.equals("GET")) {
                answerStatus(exchange, 204);
                return;
            }
            URI target = path.equals("/upload")
                    ? URI.create(current + (current.getRawQuery() == null ? "?" : "&") + exchange.getRequestURI().getRawQuery())
                    : URI.create("http://" + upstream + exchange.getRequestURI());
            HttpResponse<byte[]> r = forward(method, target, body, exchange.getRequestHeaders().getFirst("Content-Type"), null);
            if (method.equals("POST") && r.statusCode() == 202) {
                current = target.resolve(r.headers().firstValue("Location").orElseThrow());
                size = 0;
                exchange.getResponseHeaders().set("Location", "/upload");
                exchange.sendResponseHeaders(202, -1);
                return;
            }
            r.headers().firstValue("Docker-Content-Digest").ifPresent(v -> exchange.getResponseHeaders().set("Docker-Content-Digest", v));
            r.headers().firstValue("Content-Type").ifPresent(v -> exchange.getResponseHeaders().set("Content-Type", v));
            if (method.equals("HEAD")) {
                r.headers().firstValue("Content-Length").ifPresent(v -> exchange.getResponseHeaders().set("Content-Length", v));
                exchange.sendResponseHeaders(r.statusCode(), -1);
                return;
            }
            exchange.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
            exchange.getResponseBody().write(r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void answerStatus(HttpExchange exchange, int status) throws IOException {
        exchange.getResponseHeaders().set("Location", "/upload");
        if (size > 0) {
            exchange.getResponseHeaders().set("Range", "0-" + (size - 1));
        }
        exchange.sendResponseHeaders(status, -1);
    }

    private HttpResponse<byte[]> forward(String method, URI target, byte[] body, String contentType, String contentRange)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(target);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (contentRange != null) {
            b.header("Content-Range", contentRange);
        }
        b.method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Override
    public void close() {
        server.stop(0);
        http.close();
    }
}
