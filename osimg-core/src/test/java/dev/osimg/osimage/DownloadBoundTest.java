package dev.osimg.osimage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osimg.blob.Progress;
import dev.osimg.oci.ImageReference;
import dev.osimg.oci.ImageSink;
import dev.osimg.oci.OciImage;
import dev.osimg.registry.RegistryClient;
import dev.osimg.registry.RegistryOptions;
import dev.osimg.transfer.ImageCopy;
import dev.osimg.transfer.Images;
import java.io.IOException;
import dev.osimg.serve.RegistryServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.Map;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A layer descriptor cannot make osimg fetch more than the image itself allows. */
class DownloadBoundTest {
    private static final long PEBIBYTE = 1L << 50;

    @TempDir
    Path tmp;

    private static void copy(Path from, Path to) throws IOException {
        copy("oci:" + from, "oci:" + to);
    }

    private static void copy(String from, String to) throws IOException {
        try (RegistryClient client = new RegistryClient(RegistryOptions.defaults().withDockerConfig(Path.of("/nonexistent.json")))) {
            OciImage image = Images.open(ImageReference.parse(from), client);
            try (ImageSink sink = Images.sink(ImageReference.parse(to), client, image, null)) {
                new ImageCopy(2, Progress.NONE).copy(image, sink);
            }
        }
    }

    private void assertNothingIn(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            assertThat(entries.toList()).isEmpty();
        }
    }

    @Test
    void aZstdLayerClaimingAPebibyteIsRefusedBeforeAnyDownload() throws Exception {
        Path layout = TestLayouts.build(tmp.resolve("src"), new Compression.Zstd(3), TestLayouts.randomBytes(1000, 1),
                TestLayouts.randomBytes(300_000, 2));
        TestLayouts.editManifest(layout, m -> ((com.fasterxml.jackson.databind.node.ObjectNode) m.withArray("layers").get(1))
                .put("size", PEBIBYTE));
        assertThatThrownBy(() -> TestLayouts.read(layout))
                .isInstanceOf(OsImageFormatException.class)
                .hasMessageContaining("zstd payload \"system\" claims " + PEBIBYTE + " bytes")
                .hasMessageContaining("at most " + OsImage.maxZstdSize(300_000, 1));
        Path out = Files.createDirectories(tmp.resolve("out"));
        assertThatThrownBy(() -> copy(layout, out.resolve("pulled"))).isInstanceOf(OsImageFormatException.class);
        assertNothingIn(out);
    }

    @Test
    void theBoundAdmitsRealImagesOfBothFramings() throws Exception {
        byte[] incompressible = TestLayouts.randomBytes(3 << 20, 4);
        for (Compression c : new Compression[] {new Compression.Zstd(19), new Compression.Zstd(1, true)}) {
            Path layout = TestLayouts.build(tmp.resolve(c.toString().replaceAll("[^a-z0-9]", "")), c, new byte[0], incompressible);
            OsImage image = TestLayouts.read(layout);
            Payload system = image.payload("system");
            assertThat(system.layer().size()).isGreaterThan(system.size()).isLessThanOrEqualTo(OsImage.maxZstdSize(system.size(), 3));
            assertThat(image.payload("kernel.efi").layer().size()).isLessThanOrEqualTo(OsImage.maxZstdSize(0, 0));
        }
        assertThat(OsImage.maxZstdSize(Long.MAX_VALUE - 10, 1)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aBlobOfAnyArtifactLargerThanTheFreeSpaceIsRefusedBeforeDownloading() throws Exception {
        Path layout = TestLayouts.build(tmp.resolve("src"), new Compression.None(), new byte[] {1}, TestLayouts.randomBytes(4096, 5));
        // Not an OS image any more: nothing but the descriptor tells the size.
        TestLayouts.editManifest(layout, m -> {
            m.put("artifactType", "application/vnd.example.other");
            ((com.fasterxml.jackson.databind.node.ObjectNode) m.withArray("layers").get(1)).put("size", PEBIBYTE);
        });
        Path out = Files.createDirectories(tmp.resolve("out"));
        String digest = TestLayouts.manifestDescriptor(layout).digest().toString();
        try (RegistryServer server = RegistryServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Map.of("os/other", layout))) {
            String from = "127.0.0.1:" + server.address().getPort() + "/os/other@" + digest;
            assertThatThrownBy(() -> copy(from, out.resolve("pulled").toString()))
                    .hasMessageContaining("is " + PEBIBYTE + " bytes but the file system")
                    .hasMessageContaining("refused before downloading it");
        }
        assertNothingIn(out);
    }
}
