package dev.osimg.serve;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.osimg.digest.Digest;
import dev.osimg.digest.InvalidDigestException;
import dev.osimg.json.GoCompatibleJson;
import dev.osimg.oci.Descriptor;
import dev.osimg.oci.ImageReference;
import dev.osimg.oci.Index;
import dev.osimg.oci.Manifest;
import dev.osimg.oci.MediaTypes;
import dev.osimg.oci.OciLayout;
import dev.osimg.oci.SmallBlobs;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A read-only OCI distribution registry over layout directories: {@code /v2/} ping, manifests by
 * tag and digest (only what the layout's index lists as a manifest), blobs with {@code Range}
 * and {@code HEAD}, paginated tag lists, referrers, the distribution error bodies and headers. Runs on the
 * JDK's HTTP server with one virtual thread per request; manifests and blobs stream from their
 * files through a fixed buffer, so memory per request is bounded whatever clients ask. Every
 * request gets a status; a client that does not send its request headers in time is dropped.
 */
public final class RegistryServer implements AutoCloseable {
    /** Seconds a client has to send its request line and headers (the JDK server's request timer). */
    static final int HEADER_TIMEOUT_SECONDS = 10;
    private static final int BUFFER_SIZE = 64 << 10;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Manifests larger than this are not read when looking for referrers (signature manifests are a few KiB). */
    private static final long MAX_REFERRER_MANIFEST = 4L << 20;

    static {
        // The JDK server reads these once, when it is first used; a value set by the user wins.
        setIfAbsent("sun.net.httpserver.maxReqTime", Integer.toString(HEADER_TIMEOUT_SECONDS));
        setIfAbsent("jdk.httpserver.maxConnections", "2048");
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Path> repositories;
    private final LayoutIndexes indexes = new LayoutIndexes();

    private RegistryServer(HttpServer server, ExecutorService executor, Map<String, Path> repositories) {
        this.server = server;
        this.executor = executor;
        this.repositories = repositories;
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /** Starts serving {@code repositories} (name to layout directory) on {@code address}. */
    public static RegistryServer start(InetSocketAddress address, Map<String, Path> repositories) throws IOException {
        Map<String, Path> repos = new TreeMap<>();
        for (var e : repositories.entrySet()) {
            if (!ImageReference.REPOSITORY.matcher(e.getKey()).matches()) {
                throw new IllegalArgumentException("\"" + e.getKey() + "\" is not a valid repository name");
            }
            OciLayout.open(e.getValue());
            repos.put(e.getKey(), e.getValue());
        }
        HttpServer server = HttpServer.create(address, 1024);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        RegistryServer registry = new RegistryServer(server, executor, Map.copyOf(repos));
        server.createContext("/", registry::handle);
        server.setExecutor(executor);
        server.start();
        return registry;
    }

    /** The address actually bound (useful with port 0). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(HttpExchange exchange) {
        try {
            exchange.getResponseHeaders().set("Docker-Distribution-API-Version", "registry/2.0");
            String method = exchange.getRequestMethod();
            boolean head = method.equals("HEAD");
            if (!head && !method.equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                error(exchange, 405, "UNSUPPORTED", "this registry is read-only: only GET and HEAD");
                return;
            }
            Route route = Route.parse(exchange.getRequestURI().getPath(), exchange.getRequestURI().getRawQuery());
            switch (route) {
                case Route.Ping p -> sendJson(exchange, 200, JSON.createObjectNode(), head);
                case Route.Unknown u -> error(exchange, 404, "NOT_FOUND", "no such endpoint");
                case Route.BadQuery q -> error(exchange, 400, q.code(), q.message());
                case Route.Tags t -> withLayout(exchange, t.repository(), layout -> tagList(exchange, t, layout, head));
                case Route.Manifest m -> withLayout(exchange, m.repository(), layout -> manifest(exchange, layout, m.reference(), head));
                case Route.Blob b -> withLayout(exchange, b.repository(), layout -> blob(exchange, layout, b.digest(), head));
                case Route.Referrers r -> withLayout(exchange, r.repository(), layout -> referrers(exchange, layout, r.digest(), head));
            }
        } catch (Exception | StackOverflowError e) {
            failed(exchange, e);
        } finally {
            exchange.close();
        }
    }

    /** Answers 500 when nothing was sent yet; once a body is under way only closing the connection says it failed. */
    private static void failed(HttpExchange exchange, Throwable e) {
        if (exchange.getResponseCode() != -1) {
            return;
        }
        try {
            error(exchange, 500, "UNKNOWN", "the server failed to answer: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage()));
        } catch (IOException | RuntimeException ignored) {
            // The client is gone; there is no one left to tell.
        }
    }

    private interface LayoutAction {
        void run(Path layout) throws IOException;
    }

    private void withLayout(HttpExchange exchange, String repository, LayoutAction action) throws IOException {
        Path layout = repositories.get(repository);
        if (layout == null) {
            error(exchange, 404, "NAME_UNKNOWN", "repository name not known to registry");
            return;
        }
        action.run(layout);
    }

    private void tagList(HttpExchange exchange, Route.Tags request, Path layout, boolean head) throws IOException {
        TreeMap<String, Boolean> sorted = new TreeMap<>();
        for (Descriptor d : indexes.index(layout).manifests()) {
            String tag = d.annotation(MediaTypes.REF_NAME_ANNOTATION);
            if (tag != null && ImageReference.TAG.matcher(tag).matches()) {
                sorted.put(tag, true);
            }
        }
        List<String> tags = List.copyOf((request.last() == null ? sorted : sorted.tailMap(request.last(), false)).keySet());
        if (request.n() >= 0 && tags.size() > request.n()) {
            tags = tags.subList(0, request.n());
            if (!tags.isEmpty()) {
                exchange.getResponseHeaders().set("Link", "</v2/" + request.repository() + "/tags/list?n=" + request.n() + "&last="
                        + URLEncoder.encode(tags.getLast(), StandardCharsets.UTF_8) + ">; rel=\"next\"");
            }
        }
        ObjectNode body = JSON.createObjectNode().put("name", request.repository());
        ArrayNode array = body.putArray("tags");
        tags.forEach(array::add);
        sendJson(exchange, 200, body, head);
    }

    /**
     * The OCI 1.1 referrers API: an image index of the layout's manifests whose {@code subject}
     * is {@code reference}, each with its artifact type (or config media type) and annotations.
     */
    private void referrers(HttpExchange exchange, Path layoutDir, String reference, boolean head) throws IOException {
        Digest digest;
        try {
            digest = Digest.parse(reference);
        } catch (InvalidDigestException e) {
            error(exchange, 400, "DIGEST_INVALID", e.getMessage());
            return;
        }
        OciLayout layout = OciLayout.open(layoutDir);
        Map<Digest, Descriptor> found = new LinkedHashMap<>();
        for (Descriptor d : indexes.index(layoutDir).manifests()) {
            if (!MediaTypes.IMAGE_MANIFEST.equals(d.mediaType()) || found.containsKey(d.digest()) || d.size() > MAX_REFERRER_MANIFEST) {
                continue;
            }
            Manifest manifest;
            try {
                String what = "oci:" + layoutDir + ": manifest " + d.digest();
                manifest = Manifest.parse(SmallBlobs.readVerified(layout.blob(d), d, what), what);
            } catch (IOException e) {
                // A damaged entry is not a referrer of anything; the manifest endpoint reports it when asked for.
                continue;
            }
            if (manifest.subject() != null && manifest.subject().digest().equals(digest)) {
                String artifactType = manifest.artifactType() != null && !manifest.artifactType().isEmpty() ? manifest.artifactType()
                        : manifest.config() == null ? null : manifest.config().mediaType();
                found.put(d.digest(), new Descriptor(MediaTypes.IMAGE_MANIFEST, d.digest(), d.size(), null, manifest.annotations(),
                        null, null, artifactType));
            }
        }
        byte[] body = GoCompatibleJson.writeCompact(Index.of(List.copyOf(found.values())));
        exchange.getResponseHeaders().set("Content-Type", MediaTypes.IMAGE_INDEX);
        if (head) {
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private void manifest(HttpExchange exchange, Path layoutDir, String reference, boolean head) throws IOException {
        Descriptor found;
        if (reference.startsWith("sha256:")) {
            Digest digest;
            try {
                digest = Digest.parse(reference);
            } catch (InvalidDigestException e) {
                error(exchange, 400, "DIGEST_INVALID", e.getMessage());
                return;
            }
            // Only what the index lists is a manifest; any other blob of the layout is not served as one.
            found = indexes.index(layoutDir).manifests().stream().filter(d -> d.digest().equals(digest)).findFirst().orElse(null);
        } else if (ImageReference.TAG.matcher(reference).matches()) {
            found = indexes.index(layoutDir).manifests().stream()
                    .filter(d -> reference.equals(d.annotation(MediaTypes.REF_NAME_ANNOTATION))).findFirst().orElse(null);
        } else {
            error(exchange, 400, "TAG_INVALID", "manifest tag did not match URI");
            return;
        }
        if (found == null) {
            error(exchange, 404, "MANIFEST_UNKNOWN", "manifest unknown");
            return;
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(OciLayout.blobPath(layoutDir, found.digest()), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            error(exchange, 404, "MANIFEST_UNKNOWN", "manifest unknown");
            return;
        }
        try (channel) {
            long size = channel.size();
            if ((found.size() >= 0 && size != found.size()) || !digestOf(channel, size).equals(found.digest())) {
                error(exchange, 500, "UNKNOWN", "the stored manifest does not match its descriptor in index.json");
                return;
            }
            String mediaType = found.mediaType() == null || found.mediaType().isEmpty() ? MediaTypes.IMAGE_MANIFEST : found.mediaType();
            var headers = exchange.getResponseHeaders();
            headers.set("Content-Type", mediaType);
            headers.set("Docker-Content-Digest", found.digest().toString());
            headers.set("ETag", "\"" + found.digest() + "\"");
            stream(exchange, channel, 200, 0, size, head);
        }
    }

    /** Hashes a file through the fixed buffer, so a large manifest costs no more memory than a small one. */
    private static Digest digestOf(FileChannel channel, long size) throws IOException {
        MessageDigest sha256 = Digest.newSha256();
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
        for (long position = 0; position < size; ) {
            buffer.clear();
            int n = channel.read(buffer, position);
            if (n < 0) {
                break;
            }
            sha256.update(buffer.array(), 0, n);
            position += n;
        }
        return Digest.fromSha256(sha256.digest());
    }

    private void blob(HttpExchange exchange, Path layoutDir, String reference, boolean head) throws IOException {
        Digest digest;
        try {
            digest = Digest.parse(reference);
        } catch (InvalidDigestException e) {
            error(exchange, 400, "DIGEST_INVALID", e.getMessage());
            return;
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(OciLayout.blobPath(layoutDir, digest), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            error(exchange, 404, "BLOB_UNKNOWN", "blob unknown to registry");
            return;
        }
        try (channel) {
            long size = channel.size();
            var headers = exchange.getResponseHeaders();
            headers.set("Accept-Ranges", "bytes");
            switch (ByteRange.parse(exchange.getRequestHeaders().getFirst("Range"), size)) {
                case ByteRange.Unsatisfiable u -> {
                    headers.set("Content-Range", "bytes */" + size);
                    error(exchange, 416, "RANGE_INVALID", "requested range not satisfiable");
                }
                case ByteRange.Part p -> {
                    blobHeaders(exchange, digest);
                    headers.set("Content-Range", "bytes " + p.range().start() + "-" + p.range().end() + "/" + size);
                    stream(exchange, channel, 206, p.range().start(), p.range().length(), head);
                }
                case ByteRange.Whole w -> {
                    blobHeaders(exchange, digest);
                    stream(exchange, channel, 200, 0, size, head);
                }
            }
        }
    }

    private static void blobHeaders(HttpExchange exchange, Digest digest) {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/octet-stream");
        headers.set("Docker-Content-Digest", digest.toString());
        headers.set("ETag", "\"" + digest + "\"");
    }

    /** Sends {@code length} bytes of the file from {@code start} through one fixed buffer. */
    private static void stream(HttpExchange exchange, FileChannel channel, int status, long start, long length, boolean head)
            throws IOException {
        if (head) {
            exchange.getResponseHeaders().set("Content-Length", Long.toString(length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
        OutputStream out = exchange.getResponseBody();
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(BUFFER_SIZE, Math.max(1, length)));
        long position = start;
        long remaining = length;
        while (remaining > 0) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), remaining));
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new IOException("a served file shrank while it was being sent");
            }
            out.write(buffer.array(), 0, n);
            position += n;
            remaining -= n;
        }
        out.flush();
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("errors").addObject().put("code", code).put("message", message).putNull("detail");
        sendJson(exchange, status, body, exchange.getRequestMethod().equals("HEAD"));
    }

    private static void sendJson(HttpExchange exchange, int status, ObjectNode document, boolean head) throws IOException {
        byte[] body = JSON.writeValueAsBytes(document);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        if (head) {
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Stops accepting requests and waits up to a second for running ones. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }
}
