package dev.osimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as a user meets it: outputs, JSON, exit codes and one-line errors. */
class CommandLineTest {
    private static final JsonMapper JSON = new JsonMapper();

    @TempDir
    Path dir;
    Path kernel;
    Path system;

    @BeforeEach
    void payloads() throws IOException {
        byte[] bytes = new byte[(3 << 20) + 5];
        new Random(7).nextBytes(bytes);
        kernel = TestKernel.write(dir.resolve("kernel.efi"), 5, 7);
        system = Files.write(dir.resolve("system.img"), bytes);
    }

    private CliRunner.Result build(String out, String... extra) throws Exception {
        String[] base = {"build", "--out", dir.resolve(out).toString(), "--payload", "kernel.efi=" + kernel,
            "--payload", "system=" + system, "--name", "Test OS", "--variant", "x86_64", "--component", "kernel=6.1"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return CliRunner.run(all);
    }

    @Test
    void buildInspectVerifyWithJson() throws Exception {
        CliRunner.Result built = build("img", "--json", "--compression", "none", "--tag", "v1");
        assertThat(built.exitCode()).as(built.err()).isZero();
        JsonNode buildDoc = JSON.readTree(built.out());
        String digest = buildDoc.get("digest").asText();
        assertThat(digest).startsWith("sha256:");

        CliRunner.Result inspected = CliRunner.run("inspect", "--json", "oci:" + dir.resolve("img") + ":v1");
        assertThat(inspected.exitCode()).as(inspected.err()).isZero();
        JsonNode doc = JSON.readTree(inspected.out());
        assertThat(doc.get("digest").asText()).isEqualTo(digest);
        assertThat(doc.at("/product_info/name").asText()).isEqualTo("Test OS");
        assertThat(doc.at("/product_info/components/0/version").asText()).isEqualTo("6.1");
        assertThat(doc.at("/payloads/1/name").asText()).isEqualTo("system");
        assertThat(doc.at("/payloads/1/size").asLong()).isEqualTo(Files.size(system));
        assertThat(doc.at("/payloads/1/chunks").asInt()).isEqualTo(4);
        assertThat(doc.at("/payloads/1/media_type").asText()).isEqualTo("application/octet-stream");

        CliRunner.Result verified = CliRunner.run("verify", "--json", dir.resolve("img").toString());
        assertThat(verified.exitCode()).as(verified.err()).isZero();
        JsonNode result = JSON.readTree(verified.out());
        assertThat(result.get("verified").asBoolean()).isTrue();
        assertThat(result.get("bytes").asLong()).isEqualTo(Files.size(system) + Files.size(kernel));
    }

    @Test
    void humanOutputShowsPayloadsAndThroughput() throws Exception {
        assertThat(build("img").exitCode()).isZero();
        CliRunner.Result inspected = CliRunner.run("inspect", dir.resolve("img").toString());
        assertThat(inspected.out()).contains("Product:   Test OS variant x86_64", "system", "application/zstd");
        CliRunner.Result verified = CliRunner.run("verify", dir.resolve("img").toString());
        assertThat(verified.out()).containsPattern("payload system +4 chunks OK").containsPattern("Verified .* in .* s \\(.*B/s\\)");
    }

    @Test
    void corruptPayloadFailsVerifyWithExitCode4AndOneLine() throws Exception {
        assertThat(build("img", "--compression", "none").exitCode()).isZero();
        Path blob;
        try (var files = Files.list(dir.resolve("img/blobs/sha256"))) {
            blob = files.filter(p -> {
                try {
                    return Files.size(p) == Files.size(system);
                } catch (IOException e) {
                    return false;
                }
            }).findFirst().orElseThrow();
        }
        try (FileChannel ch = FileChannel.open(blob, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {0x55, 0x66}), (2L << 20) + 100);
        }
        CliRunner.Result verified = CliRunner.run("verify", dir.resolve("img").toString());
        assertThat(verified.exitCode()).isEqualTo(4);
        assertThat(verified.err().strip().lines()).containsExactly("osimg: error: payload \"system\": chunk 2 of 4 failed verification");
    }

    @Test
    void missingImageIsExitCode1WithClearMessage() throws Exception {
        CliRunner.Result r = CliRunner.run("inspect", dir.resolve("nope").toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err().strip().lines()).singleElement().asString()
                .contains("nope").contains("no such OCI layout directory");
    }

    @Test
    void debugAddsTheStackTrace() throws Exception {
        CliRunner.Result r = CliRunner.run("inspect", "--debug", dir.resolve("nope").toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("NoSuchFileException").contains("\tat ");
    }

    @Test
    void usageErrorsAreExitCode2() throws Exception {
        CliRunner.Result noOut = CliRunner.run("build", "--payload", "system=" + system);
        assertThat(noOut.exitCode()).isEqualTo(2);
        assertThat(noOut.err()).contains("Missing required option: '--out=DIR|REF'");
        CliRunner.Result badPayload = CliRunner.run("build", "--out", dir.resolve("x").toString(), "--payload", "system");
        assertThat(badPayload.exitCode()).isEqualTo(2);
        assertThat(badPayload.err()).contains("--payload must be NAME=PATH, got \"system\"");
        CliRunner.Result badCompression = build("y", "--compression", "gzip");
        assertThat(badCompression.exitCode()).isEqualTo(2);
        assertThat(badCompression.err()).contains("compression must be none, zstd or zstd:LEVEL, got \"gzip\"");
        assertThat(dir.resolve("y")).doesNotExist();
    }

    @Test
    void invalidImageIsExitCode3() throws Exception {
        Path notOs = Files.createDirectories(dir.resolve("notos/blobs/sha256"));
        Files.writeString(dir.resolve("notos/oci-layout"), "{\"imageLayoutVersion\": \"1.0.0\"}");
        byte[] manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\",\"size\":0},\"layers\":[]}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String hex = dev.osimg.digest.Digest.of(manifest).hex();
        Files.write(notOs.resolve(hex), manifest);
        Files.writeString(dir.resolve("notos/index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + hex + "\",\"size\":" + manifest.length + "}]}");
        CliRunner.Result r = CliRunner.run("inspect", dir.resolve("notos").toString());
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("artifactType is (missing)").contains("not an OS image");
    }

    @Test
    void everyCommandHasCompleteHelp() throws Exception {
        CliRunner.Result top = CliRunner.run("--help");
        assertThat(top.exitCode()).isZero();
        assertThat(top.out()).contains("build", "inspect", "verify", "Exit codes");
        for (String command : new String[] {"build", "inspect", "verify"}) {
            CliRunner.Result help = CliRunner.run(command, "--help");
            assertThat(help.exitCode()).as(command).isZero();
            assertThat(help.out()).as(command).contains("Usage: osimg " + command).contains("--help");
        }
        assertThat(CliRunner.run("build", "--help").out()).contains("--payload=NAME=PATH", "--compression", "--link", "--tag");
        assertThat(CliRunner.run("--version").out()).startsWith("osimg ");
    }
}
