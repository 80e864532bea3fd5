package dev.osimg.osimage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osimg.digest.Digest;
import dev.osimg.oci.OciLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the exact config and manifest bytes of an uncompressed build for fixed input. The golden
 * files were produced by an independent writer following the reference writer's rules (tabs,
 * {@code ": "}, HTML-safe escapes, raw UTF-8, {@code null} chunk list for an empty payload).
 */
class ReferenceWriterBytesTest {
    private static final String GOLDEN_MANIFEST_DIGEST =
            "sha256:57bbcb9d62809a292949d1db15715e37173db586f50b2aba4e2b6c17356fe99c";

    @TempDir
    Path dir;

    @Test
    void uncompressedBuildWritesTheReferenceBytes() throws IOException {
        byte[] kernel = new byte[(1 << 20) + 1];
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] = (byte) i;
        }
        Path kernelFile = Files.write(dir.resolve("kernel.efi"), kernel);
        Path systemFile = Files.write(dir.resolve("system"), new byte[0]);
        BuildResult result = new OsImageBuilder()
                .payload("kernel.efi", kernelFile)
                .payload("system", systemFile)
                .productInfo(new ProductInfo("metropolis", "Metropolis <&> Été", "0.1", "x86_64-debug", "abc123",
                        "2025-01-02T03:04:05Z", true, List.of(new Component("kernel", "6.1"))))
                .compression(new Compression.None())
                .build(dir.resolve("out"));

        Path layout = dir.resolve("out");
        Digest manifestDigest = result.manifestDescriptor().digest();
        assertThat(manifestDigest).hasToString(GOLDEN_MANIFEST_DIGEST);
        assertThat(Files.readAllBytes(OciLayout.blobPath(layout, manifestDigest))).isEqualTo(golden("golden-manifest.json"));
        assertThat(Files.readAllBytes(OciLayout.blobPath(layout, result.manifest().config().digest())))
                .isEqualTo(golden("golden-config.json"));
        assertThat(Files.readString(layout.resolve("oci-layout"))).isEqualTo("{\"imageLayoutVersion\": \"1.0.0\"}\n");
    }

    private static byte[] golden(String name) throws IOException {
        try (InputStream in = ReferenceWriterBytesTest.class.getResourceAsStream("/golden/" + name)) {
            assertThat(in).as("test resource " + name).isNotNull();
            return in.readAllBytes();
        }
    }
}
