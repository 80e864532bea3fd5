package dev.osimg.osimage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osimg.oci.MediaTypes;
import dev.osimg.oci.OciLayout;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Build, read back, verify: content, sizes and chunk counts survive, at every chunk boundary. */
class RoundTripTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    private static byte[] readAll(Payload payload) throws IOException {
        try (InputStream in = payload.openVerified()) {
            return in.readAllBytes();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, MIB - 1, MIB, MIB + 1, 3 * MIB, 3 * MIB + 1})
    void chunkBoundariesRoundTripUncompressedAndZstd(int size) throws IOException {
        byte[] content = TestLayouts.randomBytes(size, size);
        for (Compression compression : List.of(new Compression.None(), new Compression.Zstd(3))) {
            Path layout = TestLayouts.build(dir.resolve(compression.getClass().getSimpleName()), compression,
                    content, TestLayouts.randomBytes(10, 1));
            Payload kernel = TestLayouts.read(layout).payload("kernel.efi");
            assertThat(kernel.size()).isEqualTo(size);
            assertThat(kernel.info().chunkHashes()).hasSize((size + MIB - 1) / MIB);
            assertThat(readAll(kernel)).isEqualTo(content);
            assertThat(kernel.layer().mediaType()).isEqualTo(compression instanceof Compression.None
                    ? MediaTypes.PAYLOAD_UNCOMPRESSED : MediaTypes.PAYLOAD_ZSTD);
        }
    }

    @Property(tries = 25)
    void anyContentRoundTrips(@ForAll("sizes") int size, @ForAll("levels") int level) throws IOException {
        Path base = Files.createTempDirectory("roundtrip");
        try {
            byte[] content = TestLayouts.randomBytes(size, size * 31L + level);
            Compression compression = level == 0 ? new Compression.None() : new Compression.Zstd(level);
            Path layout = TestLayouts.build(base, compression, content, new byte[0]);
            OsImage image = TestLayouts.read(layout);
            assertThat(readAll(image.payload("kernel.efi"))).isEqualTo(content);
            assertThat(readAll(image.payload("system"))).isEmpty();
            assertThat(image.payload("kernel.efi").info().chunkHashes()).hasSize((int) PayloadInfo.chunkCount(size, MIB));
        } finally {
            try (var walk = Files.walk(base)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Provide
    Arbitrary<Integer> sizes() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(0, 4096),
                Arbitraries.integers().between(MIB - 2, MIB + 2),
                Arbitraries.integers().between(0, 4 * MIB + 3));
    }

    @Provide
    Arbitrary<Integer> levels() {
        return Arbitraries.of(0, 1, 3, 9);
    }

    @org.junit.jupiter.api.Test
    void productInfoSurvivesAndUnknownKeysAreDropped() throws IOException {
        Path layout = TestLayouts.build(dir, new Compression.None(), new byte[] {1}, new byte[] {2});
        OsImage image = TestLayouts.read(layout);
        assertThat(image.productInfo().id()).isEqualTo("test");
        assertThat(image.productInfo().architecture()).isEqualTo("x86_64");
        TestLayouts.editConfig(layout, c -> c.with("product_info").put("unknown_key", "x"));
        assertThat(TestLayouts.read(layout).productInfo().name()).isEqualTo("Test OS");
    }

    @org.junit.jupiter.api.Test
    void tagsSelectAmongSeveralManifestsInOneLayout() throws IOException {
        Path a = Files.write(dir.resolve("a"), new byte[] {1, 2, 3});
        Path b = Files.write(dir.resolve("b"), new byte[] {4, 5});
        Path out = dir.resolve("layout");
        new OsImageBuilder().payload("system", a).tag("v1").build(out);
        new OsImageBuilder().payload("system", b).tag("v2").build(out);
        new OsImageBuilder().payload("system", b).payload("kernel.efi", a).tag("v1").build(out);

        OciLayout layoutDir = OciLayout.open(out);
        assertThat(layoutDir.index().manifests()).hasSize(2);
        assertThat(OsImage.read(layoutDir.image("v2")).payload("system").size()).isEqualTo(2);
        assertThat(OsImage.read(layoutDir.image("v1")).payloads()).hasSize(2);
        assertThatThrownBy(() -> layoutDir.image(null))
                .hasMessageContaining("holds 2 image manifests")
                .hasMessageContaining("\"v1\"");
        assertThatThrownBy(() -> layoutDir.image("v3"))
                .hasMessageContaining("no manifest tagged \"v3\"");
    }

    @org.junit.jupiter.api.Test
    void readsLayoutsWhoseIndexHasNoMediaType() throws IOException {
        Path layout = TestLayouts.build(dir, new Compression.None(), new byte[] {1}, new byte[] {2});
        String index = Files.readString(layout.resolve("index.json"));
        Files.writeString(layout.resolve("index.json"),
                index.replace("\t\"mediaType\": \"application/vnd.oci.image.index.v1+json\",\n", ""));
        assertThat(Files.readString(layout.resolve("index.json"))).doesNotContain("image.index");
        assertThat(TestLayouts.read(layout).payloads()).hasSize(2);
    }

    @org.junit.jupiter.api.Test
    void readsReferenceLayoutsWithSymlinkedBlobs() throws IOException {
        Path payload = Files.write(dir.resolve("system.img"), TestLayouts.randomBytes(MIB + 3, 9));
        Path out = dir.resolve("layout");
        new OsImageBuilder().payload("system", payload).compression(new Compression.None())
                .linkMode(LinkMode.SYMLINK).build(out);
        Path blob = TestLayouts.layerFile(out, 0);
        assertThat(Files.isSymbolicLink(blob)).isTrue();
        assertThat(Files.readSymbolicLink(blob).isAbsolute()).isFalse();
        assertThat(readAll(TestLayouts.read(out).payload("system"))).isEqualTo(Files.readAllBytes(payload));
    }
}
