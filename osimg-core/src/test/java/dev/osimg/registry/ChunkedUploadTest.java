package dev.osimg.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osimg.blob.Blob;
import dev.osimg.blob.BytesBlob;
import dev.osimg.blob.Progress;
import dev.osimg.digest.Digest;
import dev.osimg.oci.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chunked push path against the real distribution registry: chunks, a 416 answered from the upload status, a lost session. */
class ChunkedUploadTest {
    private static final int CHUNK = 64 << 10;

    @TempDir
    static Path shared;
    static DistributionRegistry registry;
    static RegistryClient client;

    @BeforeAll
    static void start() throws Exception {
        registry = DistributionRegistry.start(shared.resolve("reg"), null);
        client = new RegistryClient(FaultInjectionTest.options().withRetries(2, Duration.ofMillis(10)));
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        registry.close();
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** A blob that counts how often its bytes are opened (once per request body). */
    private static Blob counting(byte[] bytes, AtomicInteger opens) {
        BytesBlob inner = new BytesBlob(bytes);
        return new Blob() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public InputStream open() throws IOException {
                opens.incrementAndGet();
                return inner.open();
            }
        };
    }

    private static void assertStored(RegistryRepository repo, Descriptor descriptor, byte[] bytes) throws IOException {
        assertThat(repo.blobSize(descriptor.digest())).hasValue(bytes.length);
        try (InputStream in = repo.openBlob(descriptor)) {
            assertThat(Arrays.equals(in.readAllBytes(), bytes)).isTrue();
        }
    }

    /** Opens an upload session and PATCHes the first chunk with a plain HTTP client; returns the session URLs before and after. */
    private static URI[] sessionWithFirstChunk(RegistryRepository repo, byte[] bytes) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI uploads = repo.uri("blobs/uploads/");
        HttpResponse<Void> post = http.send(HttpRequest.newBuilder(uploads).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        URI first = uploads.resolve(post.headers().firstValue("Location").orElseThrow());
        HttpResponse<Void> patch = http.send(HttpRequest.newBuilder(first).header("Content-Type", "application/octet-stream")
                .header("Content-Range", "0-" + (CHUNK - 1))
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(bytes, 0, CHUNK)).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(patch.statusCode()).isEqualTo(202);
        return new URI[] {first, first.resolve(patch.headers().firstValue("Location").orElseThrow())};
    }

    @Test
    void pushesABlobOverTheLimitInChunks() throws Exception {
        byte[] bytes = random(5 * CHUNK - 1000, 1);
        Descriptor descriptor = Descriptor.of("application/octet-stream", Digest.of(bytes), bytes.length);
        RegistryRepository repo = client.repository(registry.host(), "os/chunked");
        AtomicInteger opens = new AtomicInteger();
        new BlobUpload(repo, descriptor, counting(bytes, opens), Progress.NONE, CHUNK, CHUNK).run(null);
        assertThat(opens.get()).as("one body per 64 KiB chunk").isEqualTo(5);
        assertStored(repo, descriptor, bytes);
    }

    @Test
    void aChunkSentAgainAfterALostAnswerMeets416AndGoesOnFromWhereTheRegistryStands() throws Exception {
        byte[] bytes = random(3 * CHUNK + 17, 2);
        Descriptor descriptor = Descriptor.of("application/octet-stream", Digest.of(bytes), bytes.length);
        try (StableUploadProxy proxy = StableUploadProxy.start(registry.host())) {
            proxy.dropAnswerOfPatch = 2;
            RegistryRepository repo = client.repository(proxy.host(), "os/resumed");
            new BlobUpload(repo, descriptor, new BytesBlob(bytes), Progress.NONE, CHUNK, CHUNK).run(null);
            assertThat(proxy.refused.get()).as("the second chunk, sent again, is answered 416").isEqualTo(1);
            assertThat(proxy.patches.get()).as("four chunks and the one sent again").isEqualTo(5);
        }
        assertStored(client.repository(registry.host(), "os/resumed"), descriptor, bytes);
    }

    @Test
    void aLostSessionStartsOver() throws Exception {
        byte[] bytes = random(2 * CHUNK + 5, 3);
        Descriptor descriptor = Descriptor.of("application/octet-stream", Digest.of(bytes), bytes.length);
        RegistryRepository repo = client.repository(registry.host(), "os/restarted");
        URI[] sessions = sessionWithFirstChunk(repo, bytes);
        // The session URL from before the first chunk is stale: distribution cancels the upload, osimg starts a new one.
        new BlobUpload(repo, descriptor, new BytesBlob(bytes), Progress.NONE, CHUNK, CHUNK).chunked(sessions[0]);
        assertStored(repo, descriptor, bytes);
    }
}
