package dev.osimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged images end with the documented exit code and a message in osimg's words, never a library's. */
class DamagedImageMessagesTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path shared;
    static Path layout;

    @TempDir
    Path tmp;

    @BeforeAll
    static void build() throws Exception {
        Path kernel = shared.resolve("kernel.efi");
        Path system = shared.resolve("system");
        TestKernel.write(kernel, 3, 1);
        byte[] bytes = new byte[3 << 20];
        new Random(3).nextBytes(bytes);
        Files.write(system, bytes);
        layout = shared.resolve("img");
        CliRunner.Result built = CliRunner.run("build", "-q", "-o", layout.toString(), "-p", "kernel.efi=" + kernel, "-p",
                "system=" + system, "--compression", "zstd");
        assertThat(built.exitCode()).as(built.err()).isZero();
    }

    private Path copyOfLayout() throws Exception {
        Path copy = tmp.resolve("copy");
        try (var paths = Files.walk(layout)) {
            for (Path p : paths.toList()) {
                Path target = copy.resolve(layout.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return copy;
    }

    private static JsonNode manifestOf(Path layout) throws Exception {
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        String digest = index.path("manifests").get(0).path("digest").asText();
        return JSON.readTree(layout.resolve("blobs/sha256/" + digest.substring(7)).toFile());
    }

    /** Writes a new manifest and points index.json at it. */
    private static void replaceManifest(Path layout, JsonNode manifest) throws Exception {
        byte[] bytes = JSON.writeValueAsBytes(manifest);
        String hex = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        Files.write(layout.resolve("blobs/sha256/" + hex), bytes);
        ObjectNode index = (ObjectNode) JSON.readTree(layout.resolve("index.json").toFile());
        ObjectNode entry = (ObjectNode) index.path("manifests").get(0);
        entry.put("digest", "sha256:" + hex);
        entry.put("size", bytes.length);
        Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));
    }

    @Test
    void aCorruptZstdFrameNamesThePayloadAndExitsFour() throws Exception {
        Path damaged = copyOfLayout();
        String layer = manifestOf(damaged).path("layers").get(1).path("digest").asText();
        Path blob = damaged.resolve("blobs/sha256/" + layer.substring(7));
        byte[] bytes = Files.readAllBytes(blob);
        bytes[0] ^= 0x55;
        Files.write(blob, bytes);
        CliRunner.Result result = CliRunner.run("verify", damaged.toString());
        assertThat(result.exitCode()).as(result.err()).isEqualTo(4);
        assertThat(result.err()).contains("payload \"system\"").contains("zstd data is corrupt")
                .doesNotContain("ZstdIOException");
    }

    @Test
    void aManifestWithWrongTypesIsAnInvalidImageInPlainWords() throws Exception {
        Path damaged = copyOfLayout();
        ObjectNode manifest = (ObjectNode) manifestOf(damaged);
        ((ObjectNode) manifest.path("layers").get(0)).putNull("size");
        replaceManifest(damaged, manifest);
        CliRunner.Result result = CliRunner.run("verify", damaged.toString());
        assertThat(result.exitCode()).as(result.err()).isEqualTo(3);
        assertThat(result.err()).contains("layers[0].size").doesNotContain("Cannot").doesNotContain("DeserializationConfig")
                .doesNotContain("`");

        ((ObjectNode) manifest.path("layers").get(0)).put("size", 10).put("digest", "sha256:../../etc/passwd");
        replaceManifest(damaged, manifest);
        CliRunner.Result digest = CliRunner.run("verify", damaged.toString());
        assertThat(digest.exitCode()).as(digest.err()).isEqualTo(3);
        assertThat(digest.err()).contains("layers[0].digest").doesNotContain("Exception");
    }
}
