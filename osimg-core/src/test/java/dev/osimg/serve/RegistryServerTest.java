package dev.osimg.serve;

import dev.osimg.registry.TestImages;
import dev.osimg.registry.DistributionRegistry;
import dev.osimg.registry.RegistryClient;
import dev.osimg.registry.RegistryImage;
import dev.osimg.registry.RegistryNotFoundException;
import dev.osimg.registry.RegistryOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osimg.oci.Descriptor;
import dev.osimg.oci.ImageReference;
import dev.osimg.oci.OciLayout;
import dev.osimg.osimage.BuildResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read-only registry: distribution endpoints, Range, HEAD, error bodies; and mirrors tried before the registry. */
class RegistryServerTest {
    @TempDir
    Path tmp;

    private static HttpURLConnection request(String method, String url, String range) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setRequestMethod(method);
        if (range != null) {
            c.setRequestProperty("Range", range);
        }
        return c;
    }

    @Test
    void servesManifestsAndBlobsWithRangeHeadAndDistributionErrors() throws Exception {
        BuildResult built = TestImages.build(tmp, 10_000, 300_000, 21);
        Descriptor system = built.manifest().layers().get(1);
        byte[] blob = Files.readAllBytes(OciLayout.blobPath(built.layout(), system.digest()));
        try (RegistryServer server = RegistryServer.start(new InetSocketAddress("127.0.0.1", 0), Map.of("os/srv", built.layout()))) {
            String base = "http://127.0.0.1:" + server.address().getPort() + "/v2/";
            HttpURLConnection ping = request("GET", base, null);
            assertThat(ping.getResponseCode()).isEqualTo(200);
            assertThat(ping.getHeaderField("Docker-Distribution-API-Version")).isEqualTo("registry/2.0");

            HttpURLConnection head = request("HEAD", base + "os/srv/blobs/" + system.digest(), null);
            assertThat(head.getResponseCode()).isEqualTo(200);
            assertThat(head.getHeaderField("Content-Length")).isEqualTo(Long.toString(system.size()));
            assertThat(head.getHeaderField("Docker-Content-Digest")).isEqualTo(system.digest().toString());

            HttpURLConnection ranged = request("GET", base + "os/srv/blobs/" + system.digest(), "bytes=1000-");
            assertThat(ranged.getResponseCode()).isEqualTo(206);
            assertThat(ranged.getHeaderField("Content-Range")).isEqualTo("bytes 1000-" + (system.size() - 1) + "/" + system.size());
            try (InputStream in = ranged.getInputStream()) {
                assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(blob, 1000, blob.length));
            }

            HttpURLConnection beyond = request("GET", base + "os/srv/blobs/" + system.digest(), "bytes=" + system.size() + "-");
            assertThat(beyond.getResponseCode()).isEqualTo(416);
            assertThat(beyond.getHeaderField("Content-Range")).isEqualTo("bytes */" + system.size());

            HttpURLConnection byTag = request("GET", base + "os/srv/manifests/v1", null);
            assertThat(byTag.getResponseCode()).isEqualTo(200);
            assertThat(byTag.getHeaderField("Docker-Content-Digest")).isEqualTo(built.manifestDescriptor().digest().toString());

            HttpURLConnection missing = request("GET", base + "os/srv/manifests/v9", null);
            assertThat(missing.getResponseCode()).isEqualTo(404);
            try (InputStream err = missing.getErrorStream()) {
                assertThat(new String(err.readAllBytes(), StandardCharsets.UTF_8)).contains("\"code\":\"MANIFEST_UNKNOWN\"");
            }
            assertThat(request("GET", base + "other/repo/manifests/v1", null).getResponseCode()).isEqualTo(404);
            assertThat(request("GET", base + "os/srv/blobs/sha256:NOT-HEX", null).getResponseCode()).isEqualTo(400);
            assertThat(request("DELETE", base + "os/srv/manifests/v1", null).getResponseCode()).isEqualTo(405);
        }
    }

    @Test
    void pullsFromAMirrorFirstAndFallsBackWhenItFails() throws Exception {
        BuildResult built = TestImages.build(tmp, 10_000, 200_000, 22);
        int unusedPort = DistributionRegistry.freePort();
        try (RegistryServer origin = RegistryServer.start(new InetSocketAddress("127.0.0.1", 0), Map.of("os/m", built.layout()));
                RegistryServer mirror = RegistryServer.start(new InetSocketAddress("127.0.0.1", 0), Map.of("os/m", built.layout()))) {
            String originHost = "127.0.0.1:" + origin.address().getPort();
            String mirrorHost = "127.0.0.1:" + mirror.address().getPort();
            String downHost = "127.0.0.1:" + unusedPort;
            RegistryOptions base = RegistryOptions.defaults().withDockerConfig(tmp.resolve("none.json")).withRetries(1, Duration.ofMillis(10));

            // The named registry is down: the image comes from the mirror.
            try (RegistryClient client = new RegistryClient(base.withMirrors(List.of(mirrorHost)))) {
                RegistryImage image = client.open((ImageReference.Registry) ImageReference.parse(downHost + "/os/m:v1"));
                assertThat(image.repository().host()).isEqualTo(mirrorHost);
                assertThat(image.manifestDigest()).isEqualTo(built.manifestDescriptor().digest());
            }
            // The mirror is down: the named registry answers.
            try (RegistryClient client = new RegistryClient(base.withMirrors(List.of(downHost)))) {
                RegistryImage image = client.open((ImageReference.Registry) ImageReference.parse(originHost + "/os/m:v1"));
                assertThat(image.repository().host()).isEqualTo(originHost);
            }
            // Both down: the error is the registry's, with what the mirror said.
            try (RegistryClient client = new RegistryClient(base.withMirrors(List.of(downHost)))) {
                assertThatThrownBy(() -> client.open((ImageReference.Registry) ImageReference.parse(originHost + "/os/m:nope")))
                        .isInstanceOf(RegistryNotFoundException.class)
                        .hasMessageContaining("no tag \"nope\"")
                        .hasMessageContaining("also tried mirror " + downHost);
            }
        }
    }

    private static String body(HttpURLConnection c) throws IOException {
        try (InputStream in = c.getResponseCode() >= 400 ? c.getErrorStream() : c.getInputStream()) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void servesOnlyManifestsAsManifests() throws Exception {
        BuildResult built = TestImages.build(tmp, 10_000, 100_000, 23);
        Descriptor layer = built.manifest().layers().get(1);
        try (RegistryServer server = RegistryServer.start(new InetSocketAddress("127.0.0.1", 0), Map.of("os/srv", built.layout()))) {
            String base = "http://127.0.0.1:" + server.address().getPort() + "/v2/os/srv/";
            HttpURLConnection blobAsManifest = request("GET", base + "manifests/" + layer.digest(), null);
            assertThat(blobAsManifest.getResponseCode()).isEqualTo(404);
            assertThat(body(blobAsManifest)).contains("MANIFEST_UNKNOWN");
            HttpURLConnection configAsManifest = request("GET", base + "manifests/" + built.manifest().config().digest(), null);
            assertThat(configAsManifest.getResponseCode()).isEqualTo(404);
            HttpURLConnection manifest = request("GET", base + "manifests/" + built.manifestDescriptor().digest(), null);
            assertThat(manifest.getResponseCode()).isEqualTo(200);
            assertThat(manifest.getHeaderField("Content-Length")).isEqualTo(Long.toString(built.manifestDescriptor().size()));
        }
    }

    @Test
    void readsRangesPerRfc9110() throws Exception {
        BuildResult built = TestImages.build(tmp, 10_000, 100_000, 24);
        Descriptor system = built.manifest().layers().get(1);
        byte[] blob = Files.readAllBytes(OciLayout.blobPath(built.layout(), system.digest()));
        long size = blob.length;
        try (RegistryServer server = RegistryServer.start(new InetSocketAddress("127.0.0.1", 0), Map.of("os/srv", built.layout()))) {
            String url = "http://127.0.0.1:" + server.address().getPort() + "/v2/os/srv/blobs/" + system.digest();
            HttpURLConnection suffix = request("GET", url, "bytes=-5");
            assertThat(suffix.getResponseCode()).isEqualTo(206);
            assertThat(suffix.getHeaderField("Content-Range")).isEqualTo("bytes " + (size - 5) + "-" + (size - 1) + "/" + size);
            try (InputStream in = suffix.getInputStream()) {
                assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(blob, blob.length - 5, blob.length));
            }
            HttpURLConnection longSuffix = request("GET", url, "bytes=-" + (size * 2));
            assertThat(longSuffix.getResponseCode()).isEqualTo(206);
            assertThat(longSuffix.getHeaderField("Content-Range")).isEqualTo("bytes 0-" + (size - 1) + "/" + size);

            for (String ignored : List.of("bytes=0-1,5-9", "bytes=9-2", "items=0-5", "bytes=abc", "bytes=-")) {
                HttpURLConnection whole = request("GET", url, ignored);
                assertThat(whole.getResponseCode()).as(ignored).isEqualTo(200);
                assertThat(whole.getHeaderField("Content-Length")).as(ignored).isEqualTo(Long.toString(size));
                whole.getInputStream().close();
            }
            HttpURLConnection hugeEnd = request("GET", url, "bytes=10-99999999999999999999999999");
            assertThat(hugeEnd.getResponseCode()).isEqualTo(206);
            assertThat(hugeEnd.getHeaderField("Content-Range")).isEqualTo("bytes 10-" + (size - 1) + "/" + size);
            hugeEnd.getInputStream().close();
            for (String beyond : List.of("bytes=99999999999999999999999999-", "bytes=-0", "bytes=" + size + "-" + (size + 9))) {
                HttpURLConnection unsatisfiable = request("GET", url, beyond);
                assertThat(unsatisfiable.getResponseCode()).as(beyond).isEqualTo(416);
                assertThat(unsatisfiable.getHeaderField("Content-Range")).isEqualTo("bytes */" + size);
                assertThat(JSON.readTree(body(unsatisfiable)).path("errors").get(0).path("code").asText()).isEqualTo("RANGE_INVALID");
            }
        }
    }

    private static final com.fasterxml.jackson.databind.json.JsonMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder().build();

    @Test
    void answersEveryRequestWithAStatusAndValidJson() throws Exception {
        BuildResult built = TestImages.build(tmp, 10_000, 50_000, 25);
        try (RegistryServer server = RegistryServer.start(new InetSocketAddress("127.0.0.1", 0), Map.of("os/srv", built.layout()))) {
            String base = "http://127.0.0.1:" + server.address().getPort() + "/v2/os/srv/";
            HttpURLConnection post = request("POST", base + "blobs/uploads/", null);
            assertThat(post.getResponseCode()).isEqualTo(405);
            assertThat(post.getHeaderField("Allow")).isEqualTo("GET, HEAD");

            HttpURLConnection control = request("GET", base + "blobs/sha256:%01%1F%22%5C", null);
            assertThat(control.getResponseCode()).isEqualTo(400);
            assertThat(JSON.readTree(body(control)).path("errors").get(0).path("code").asText()).isEqualTo("DIGEST_INVALID");

            // A layout damaged while it is served: the request fails with 500, not a dropped connection.
            Files.writeString(built.layout().resolve("index.json"), "{\"schemaVersion\": \"two\"}");
            HttpURLConnection broken = request("GET", base + "manifests/v1", null);
            assertThat(broken.getResponseCode()).isEqualTo(500);
            assertThat(JSON.readTree(body(broken)).path("errors").get(0).path("code").asText()).isEqualTo("UNKNOWN");
        }
    }

    @Test
    void pagesTagListsWithNAndLast() throws Exception {
        BuildResult built = TestImages.build(tmp, 10_000, 50_000, 26);
        Path indexFile = built.layout().resolve("index.json");
        var index = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(indexFile.toFile());
        var manifests = index.withArray("manifests");
        for (String tag : List.of("c", "a", "b")) {
            var entry = manifests.get(0).deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) entry).with("annotations").put("org.opencontainers.image.ref.name", tag);
            manifests.add(entry);
        }
        Files.write(indexFile, JSON.writeValueAsBytes(index));
        try (RegistryServer server = RegistryServer.start(new InetSocketAddress("127.0.0.1", 0), Map.of("os/srv", built.layout()))) {
            String base = "http://127.0.0.1:" + server.address().getPort() + "/v2/os/srv/tags/list";
            assertThat(JSON.readTree(body(request("GET", base, null))).path("tags").toString()).isEqualTo("[\"a\",\"b\",\"c\",\"v1\"]");
            HttpURLConnection first = request("GET", base + "?n=2", null);
            assertThat(JSON.readTree(body(first)).path("tags").toString()).isEqualTo("[\"a\",\"b\"]");
            assertThat(first.getHeaderField("Link")).isEqualTo("</v2/os/srv/tags/list?n=2&last=b>; rel=\"next\"");
            HttpURLConnection second = request("GET", base + "?n=2&last=b", null);
            assertThat(JSON.readTree(body(second)).path("tags").toString()).isEqualTo("[\"c\",\"v1\"]");
            assertThat(second.getHeaderField("Link")).isNull();
            assertThat(request("GET", base + "?n=-1", null).getResponseCode()).isEqualTo(400);
        }
    }
}
