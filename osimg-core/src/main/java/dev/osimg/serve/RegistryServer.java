package dev.osimg.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.osimg.oci.Descriptor;
import dev.osimg.digest.Digest;
import dev.osimg.oci.ImageReference;
import dev.osimg.digest.InvalidDigestException;
import dev.osimg.json.GoCompatibleJson;
import dev.osimg.oci.Index;
import dev.osimg.oci.Manifest;
import dev.osimg.oci.MediaTypes;
import dev.osimg.oci.SmallBlobs;
import dev.osimg.oci.OciLayout;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A read-only OCI distribution registry over layout directories: {@code /v2/} ping, manifests by
 * tag and digest, blobs with {@code Range} and {@code HEAD}, tag lists, referrers, the distribution error
 * bodies and headers. Runs on the JDK's HTTP server with one virtual thread per request; blobs
 * stream from their files through a fixed buffer, so memory stays bounded whatever the load.
 */
public final class RegistryServer implements AutoCloseable {
    private static final int BUFFER_SIZE = 64 << 10;
    private static final Pattern RANGE = Pattern.compile("bytes=([0-9]+)-([0-9]*)");
    private static final Pattern PATH = Pattern.compile("/v2/(.+)/(manifests|blobs)/([^/]+)");
    private static final Pattern TAGS_PATH = Pattern.compile("/v2/(.+)/tags/list");
    private static final Pattern REFERRERS_PATH = Pattern.compile("/v2/(.+)/referrers/([^/]+)");

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Path> repositories;

    private RegistryServer(HttpServer server, ExecutorService executor, Map<String, Path> repositories) {
        this.server = server;
        this.executor = executor;
        this.repositories = repositories;
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

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set("Docker-Distribution-API-Version", "registry/2.0");
            String method = exchange.getRequestMethod();
            boolean head = method.equals("HEAD");
            if (!head && !method.equals("GET")) {
                error(exchange, 405, "UNSUPPORTED", "this registry is read-only");
                return;
            }
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/v2/") || path.equals("/v2")) {
                send(exchange, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8), head);
                return;
            }
            Matcher tags = TAGS_PATH.matcher(path);
            if (tags.matches()) {
                tagList(exchange, tags.group(1), head);
                return;
            }
            Matcher referrers = REFERRERS_PATH.matcher(path);
            if (referrers.matches()) {
                referrers(exchange, referrers.group(1), referrers.group(2), head);
                return;
            }
            Matcher m = PATH.matcher(path);
            if (!m.matches()) {
                error(exchange, 404, "NOT_FOUND", "no such endpoint");
                return;
            }
            Path layout = layoutOf(exchange, m.group(1));
            if (layout == null) {
                return;
            }
            if (m.group(2).equals("manifests")) {
                manifest(exchange, layout, m.group(3), head);
            } else {
                blob(exchange, layout, m.group(3), head);
            }
        } catch (IOException e) {
            // The client went away mid-response; nothing to answer.
        }
    }

    private void tagList(HttpExchange exchange, String name, boolean head) throws IOException {
        Path layout = layoutOf(exchange, name);
        if (layout == null) {
            return;
        }
        List<String> tags = new ArrayList<>();
        for (Descriptor d : OciLayout.open(layout).index().manifests()) {
            String tag = d.annotation(MediaTypes.REF_NAME_ANNOTATION);
            if (tag != null && ImageReference.TAG.matcher(tag).matches()) {
                tags.add(tag);
            }
        }
        String body = "{\"name\":\"" + name + "\",\"tags\":[" + String.join(",", tags.stream().sorted().map(t -> "\"" + t + "\"").toList()) + "]}";
        send(exchange, 200, "application/json", body.getBytes(StandardCharsets.UTF_8), head);
    }

    /**
     * The OCI 1.1 referrers API: an image index of the layout's manifests whose {@code subject}
     * is {@code reference}, each with its artifact type (or config media type) and annotations.
     */
    private void referrers(HttpExchange exchange, String name, String reference, boolean head) throws IOException {
        Path layoutDir = layoutOf(exchange, name);
        if (layoutDir == null) {
            return;
        }
        Digest digest = parseDigest(exchange, reference);
        if (digest == null) {
            return;
        }
        OciLayout layout = OciLayout.open(layoutDir);
        Map<Digest, Descriptor> found = new LinkedHashMap<>();
        for (Descriptor d : layout.index().manifests()) {
            if (!MediaTypes.IMAGE_MANIFEST.equals(d.mediaType()) || found.containsKey(d.digest())) {
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
        send(exchange, 200, MediaTypes.IMAGE_INDEX, GoCompatibleJson.writeCompact(Index.of(List.copyOf(found.values()))), head);
    }

    private void manifest(HttpExchange exchange, Path layoutDir, String reference, boolean head) throws IOException {
        // Read the index on every request so that a layout updated in place is served as it is now.
        OciLayout layout = OciLayout.open(layoutDir);
        Descriptor found = null;
        if (reference.startsWith("sha256:")) {
            Digest digest = parseDigest(exchange, reference);
            if (digest == null) {
                return;
            }
            found = layout.index().manifests().stream().filter(d -> d.digest().equals(digest)).findFirst()
                    .orElse(Files.exists(OciLayout.blobPath(layoutDir, digest)) ? Descriptor.of(MediaTypes.IMAGE_MANIFEST, digest, -1) : null);
        } else if (ImageReference.TAG.matcher(reference).matches()) {
            found = layout.index().manifests().stream()
                    .filter(d -> reference.equals(d.annotation(MediaTypes.REF_NAME_ANNOTATION))).findFirst().orElse(null);
        } else {
            error(exchange, 400, "TAG_INVALID", "manifest tag did not match URI");
            return;
        }
        if (found == null) {
            error(exchange, 404, "MANIFEST_UNKNOWN", "manifest unknown");
            return;
        }
        Path file = OciLayout.blobPath(layoutDir, found.digest());
        byte[] bytes;
        try {
            bytes = dev.osimg.oci.SmallBlobs.readCapped(Files.newInputStream(file), file.toString());
        } catch (NoSuchFileException e) {
            error(exchange, 404, "MANIFEST_UNKNOWN", "manifest unknown");
            return;
        }
        if (!Digest.of(bytes).equals(found.digest())) {
            error(exchange, 500, "UNKNOWN", "stored manifest does not match its digest");
            return;
        }
        String mediaType = found.mediaType() == null || found.mediaType().isEmpty() ? MediaTypes.IMAGE_MANIFEST : found.mediaType();
        exchange.getResponseHeaders().set("Docker-Content-Digest", found.digest().toString());
        exchange.getResponseHeaders().set("ETag", "\"" + found.digest() + "\"");
        send(exchange, 200, mediaType, bytes, head);
    }

    private void blob(HttpExchange exchange, Path layoutDir, String reference, boolean head) throws IOException {
        Digest digest = parseDigest(exchange, reference);
        if (digest == null) {
            return;
        }
        Path file = OciLayout.blobPath(layoutDir, digest);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            error(exchange, 404, "BLOB_UNKNOWN", "blob unknown to registry");
            return;
        }
        try (channel) {
            long size = channel.size();
            long start = 0;
            long end = size - 1;
            int status = 200;
            String range = exchange.getRequestHeaders().getFirst("Range");
            if (range != null) {
                Matcher m = RANGE.matcher(range.trim());
                if (!m.matches() || Long.parseLong(m.group(1)) >= size
                        || (!m.group(2).isEmpty() && Long.parseLong(m.group(2)) < Long.parseLong(m.group(1)))) {
                    exchange.getResponseHeaders().set("Content-Range", "bytes */" + size);
                    error(exchange, 416, "BLOB_UNKNOWN", "requested range not satisfiable");
                    return;
                }
                start = Long.parseLong(m.group(1));
                end = m.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(m.group(2)));
                status = 206;
                exchange.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + end + "/" + size);
            }
            long length = size == 0 ? 0 : end - start + 1;
            var headers = exchange.getResponseHeaders();
            headers.set("Content-Type", "application/octet-stream");
            headers.set("Docker-Content-Digest", digest.toString());
            headers.set("ETag", "\"" + digest + "\"");
            headers.set("Accept-Ranges", "bytes");
            if (head) {
                headers.set("Content-Length", Long.toString(length));
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.sendResponseHeaders(status, length == 0 ? -1 : length);
            OutputStream out = exchange.getResponseBody();
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
            long position = start;
            long remaining = length;
            while (remaining > 0) {
                buffer.clear().limit((int) Math.min(BUFFER_SIZE, remaining));
                int n = channel.read(buffer, position);
                if (n < 0) {
                    throw new IOException(file + " shrank while being served");
                }
                out.write(buffer.array(), 0, n);
                position += n;
                remaining -= n;
            }
            out.flush();
        }
    }

    /** The layout directory served as repository {@code name}, or null after answering 404. */
    private Path layoutOf(HttpExchange exchange, String name) throws IOException {
        Path layout = repositories.get(name);
        if (layout == null) {
            error(exchange, 404, "NAME_UNKNOWN", "repository name not known to registry");
        }
        return layout;
    }

    /** The digest named in a request path, or null after answering 400. */
    private static Digest parseDigest(HttpExchange exchange, String text) throws IOException {
        try {
            return Digest.parse(text);
        } catch (InvalidDigestException e) {
            error(exchange, 400, "DIGEST_INVALID", e.getMessage());
            return null;
        }
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        String body = "{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"")
                + "\",\"detail\":null}]}\n";
        send(exchange, status, "application/json; charset=utf-8", body.getBytes(StandardCharsets.UTF_8),
                exchange.getRequestMethod().equals("HEAD"));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body, boolean head) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if (head) {
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Stops accepting requests and waits up to a second for running ones. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }
}
