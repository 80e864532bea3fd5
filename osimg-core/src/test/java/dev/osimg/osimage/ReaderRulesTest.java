package dev.osimg.osimage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.osimg.blob.DigestMismatchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One crafted layout per reader rule of the format; each must fail naming the field and value. */
class ReaderRulesTest {
    @TempDir
    Path dir;
    Path layout;

    @BeforeEach
    void buildValidLayout() throws IOException {
        layout = TestLayouts.build(dir, new Compression.None(), TestLayouts.randomBytes(3000, 1),
                TestLayouts.randomBytes((1 << 20) + 7, 2));
        assertThat(TestLayouts.read(layout).payloads()).hasSize(2);
    }

    private void assertRejected(String... messageParts) {
        assertThatThrownBy(() -> TestLayouts.read(layout))
                .isInstanceOf(IOException.class)
                .message().contains(messageParts);
    }

    @Test
    void rejectsWrongManifestMediaType() throws IOException {
        TestLayouts.editManifest(layout, m -> m.put("mediaType", "application/vnd.docker.distribution.manifest.v2+json"));
        assertRejected("manifest mediaType", "application/vnd.docker.distribution.manifest.v2+json");
    }

    @Test
    void rejectsMissingArtifactType() throws IOException {
        TestLayouts.editManifest(layout, m -> m.remove("artifactType"));
        assertRejected("artifactType is (missing)", "not an OS image");
    }

    @Test
    void rejectsWrongArtifactType() throws IOException {
        TestLayouts.editManifest(layout, m -> m.put("artifactType", "application/vnd.example.other"));
        assertRejected("artifactType", "application/vnd.example.other");
    }

    @Test
    void rejectsWrongConfigMediaType() throws IOException {
        TestLayouts.editManifest(layout, m -> m.with("config").put("mediaType", "application/json"));
        assertRejected("config mediaType", "application/json");
    }

    @Test
    void rejectsConfigDigestMismatch() throws IOException {
        Path configBlob = TestLayouts.configFile(layout);
        byte[] bytes = Files.readAllBytes(configBlob);
        bytes[bytes.length - 3] ^= 1;
        Files.write(configBlob, bytes);
        assertThatThrownBy(() -> TestLayouts.read(layout))
                .isInstanceOf(DigestMismatchException.class)
                .hasMessageContaining("config")
                .hasMessageContaining("failed verification");
    }

    @Test
    void rejectsNegativeLayerSize() throws IOException {
        TestLayouts.editManifest(layout, m -> ((ObjectNode) m.withArray("layers").get(1)).put("size", -1));
        assertRejected("layers[1].size is negative (-1)");
    }

    @Test
    void rejectsNegativeConfigSize() throws IOException {
        TestLayouts.editManifest(layout, m -> m.with("config").put("size", -5));
        assertRejected("config size is negative (-5)");
    }

    @Test
    void rejectsOversizedConfigBeforeReadingIt() throws IOException {
        TestLayouts.editManifest(layout, m -> m.with("config").put("size", 60L << 20));
        assertRejected("config", "is 62914560 bytes; documents over 52428800 bytes are refused");
    }

    @Test
    void rejectsUnknownFormatVersion() throws IOException {
        TestLayouts.editConfig(layout, c -> c.put("format_version", "2"));
        assertRejected("format_version is \"2\"");
    }

    @Test
    void rejectsPayloadCountDifferentFromLayerCount() throws IOException {
        TestLayouts.editConfig(layout, c -> c.withArray("payloads").remove(1));
        assertRejected("config lists 1 payloads but the manifest has 2 layers");
    }

    @Test
    void rejectsZeroHashChunkSize() throws IOException {
        TestLayouts.editConfig(layout, c -> ((ObjectNode) c.withArray("payloads").get(0)).put("hash_chunk_size", 0));
        assertRejected("payloads[0].hash_chunk_size", "is 0");
    }

    @Test
    void rejectsHashChunkSizeAbove16MiB() throws IOException {
        TestLayouts.editConfig(layout, c -> ((ObjectNode) c.withArray("payloads").get(1)).put("hash_chunk_size", (16 << 20) + 1));
        assertRejected("payloads[1].hash_chunk_size", "16777217");
    }

    @Test
    void rejectsChunkHashCountMismatch() throws IOException {
        TestLayouts.editConfig(layout, c -> ((ArrayNode) c.withArray("payloads").get(1).get("chunk_hashes_sha256")).remove(0));
        assertRejected("payloads[1].chunk_hashes_sha256", "has 1 entries", "needs 2");
    }

    @Test
    void rejectsNegativePayloadSize() throws IOException {
        TestLayouts.editConfig(layout, c -> ((ObjectNode) c.withArray("payloads").get(0)).put("size", -3000));
        assertRejected("payloads[0].size", "negative");
    }

    @Test
    void rejectsDuplicatePayloadNames() throws IOException {
        TestLayouts.editConfig(layout, c -> ((ObjectNode) c.withArray("payloads").get(1)).put("name", "kernel.efi"));
        assertRejected("payloads[1].name \"kernel.efi\" appears twice");
    }

    @Test
    void rejectsInvalidPayloadName() throws IOException {
        TestLayouts.editConfig(layout, c -> ((ObjectNode) c.withArray("payloads").get(1)).put("name", "../system"));
        assertRejected("payloads[1].name \"../system\" is not a valid payload name");
    }

    @Test
    void rejectsUncompressedLayerSizeDifferentFromPayloadSize() throws IOException {
        TestLayouts.editConfig(layout, c -> ((ObjectNode) c.withArray("payloads").get(0)).put("size", 2999));
        assertRejected("layers[0]", "3000 bytes but the config says 2999");
    }

    @Test
    void rejectsUnknownLayerMediaType() throws IOException {
        TestLayouts.editManifest(layout, m -> ((ObjectNode) m.withArray("layers").get(0)).put("mediaType", "application/gzip"));
        assertRejected("layers[0].mediaType is \"application/gzip\"");
    }

    @Test
    void rejectsPathTraversalDigestBeforeTouchingAnyPath() throws IOException {
        TestLayouts.editManifest(layout, m -> ((ObjectNode) m.withArray("layers").get(0)).put("digest", "sha256:../../etc/passwd"));
        assertThatThrownBy(() -> TestLayouts.read(layout))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("sha256:../../etc/passwd")
                .hasMessageContaining("64 lowercase hex");
    }

    @Test
    void rejectsOtherDigestAlgorithms() throws IOException {
        TestLayouts.editManifest(layout, m -> m.with("config").put("digest", "sha512:" + "ab".repeat(64)));
        assertThatThrownBy(() -> TestLayouts.read(layout))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("only sha256 is supported");
    }

    @Test
    void acceptsNullAndEmptyChunkListsForEmptyPayloads() throws IOException {
        Path emptyLayout = TestLayouts.build(dir.resolve("empty"), new Compression.None(), new byte[0], new byte[0]);
        assertThat(TestLayouts.read(emptyLayout).payloads()).allSatisfy(p -> assertThat(p.info().chunkHashes()).isEmpty());
        TestLayouts.editConfig(emptyLayout, c -> ((ObjectNode) c.withArray("payloads").get(0)).putArray("chunk_hashes_sha256"));
        assertThat(TestLayouts.read(emptyLayout).payload("kernel.efi").size()).isZero();
    }
}
