package dev.osimg.osimage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Corrupted and truncated payloads are detected, at the right chunk, and never served. */
class PayloadIntegrityTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    private static void flipByte(Path file, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
            ch.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ 0x40)).rewind();
            ch.write(one, offset);
        }
    }

    private static long drain(InputStream in) throws IOException {
        try (in) {
            return in.transferTo(OutputStream.nullOutputStream());
        }
    }

    @Test
    void flippedByteInUncompressedPayloadFailsAtItsChunk() throws IOException {
        Path layout = TestLayouts.build(dir, new Compression.None(), TestLayouts.randomBytes(100, 3),
                TestLayouts.randomBytes(5 * MIB + 10, 4));
        flipByte(TestLayouts.layerFile(layout, 1), 3L * MIB + 17);
        Payload system = TestLayouts.read(layout).payload("system");
        assertThatThrownBy(() -> drain(system.openVerified()))
                .isInstanceOfSatisfying(PayloadVerificationException.class, e -> {
                    assertThat(e.chunk()).isEqualTo(3);
                    assertThat(e.payload()).isEqualTo("system");
                })
                .hasMessage("payload \"system\": chunk 3 of 6 failed verification");
    }

    @Test
    void corruptChunkIsNeverHandedOut() throws IOException {
        Path layout = TestLayouts.build(dir, new Compression.None(), TestLayouts.randomBytes(100, 3),
                TestLayouts.randomBytes(3 * MIB, 4));
        flipByte(TestLayouts.layerFile(layout, 1), MIB + 1);
        try (InputStream in = TestLayouts.read(layout).payload("system").openVerified()) {
            assertThat(in.readNBytes(MIB)).hasSize(MIB);
            assertThatThrownBy(() -> in.read()).isInstanceOf(PayloadVerificationException.class);
        }
    }

    @Test
    void flippedByteInCompressedPayloadIsAnError() throws IOException {
        byte[] system = new byte[4 * MIB];
        System.arraycopy(TestLayouts.randomBytes(2 * MIB, 5), 0, system, 0, 2 * MIB);
        Path layout = TestLayouts.build(dir, new Compression.Zstd(3), TestLayouts.randomBytes(100, 3), system);
        Path blob = TestLayouts.layerFile(layout, 1);
        flipByte(blob, Files.size(blob) / 2);
        Payload payload = TestLayouts.read(layout).payload("system");
        assertThatThrownBy(() -> drain(payload.openVerified())).isInstanceOf(IOException.class);
    }

    @Test
    void truncatedBlobIsRefusedBeforeReading() throws IOException {
        Path layout = TestLayouts.build(dir, new Compression.None(), TestLayouts.randomBytes(100, 3),
                TestLayouts.randomBytes(2 * MIB, 4));
        Path blob = TestLayouts.layerFile(layout, 1);
        try (FileChannel ch = FileChannel.open(blob, StandardOpenOption.WRITE)) {
            ch.truncate(MIB + 5);
        }
        Payload payload = TestLayouts.read(layout).payload("system");
        assertThatThrownBy(payload::openVerified)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is 1048581 bytes, its descriptor says 2097152")
                .hasMessageContaining("pull or build it again");
    }

    @Test
    void compressedStreamShorterThanThePayloadIsAnError() throws IOException {
        byte[] system = TestLayouts.randomBytes(3 * MIB, 6);
        Path layout = TestLayouts.build(dir, new Compression.Zstd(1), TestLayouts.randomBytes(100, 3), system);
        // A valid zstd frame of only the first 2 MiB, stored under a consistent digest and size:
        // only the decompressed length gives it away.
        byte[] shortFrame = com.github.luben.zstd.Zstd.compress(java.util.Arrays.copyOf(system, 2 * MIB), 1);
        var digest = TestLayouts.writeBlob(layout, shortFrame);
        TestLayouts.editManifest(layout, m -> ((com.fasterxml.jackson.databind.node.ObjectNode) m.withArray("layers").get(1))
                .put("digest", digest.toString()).put("size", shortFrame.length));
        Payload payload = TestLayouts.read(layout).payload("system");
        assertThatThrownBy(() -> drain(payload.openVerified()))
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("payload \"system\" ended after 2097152 of 3145728 bytes");
    }

    @Test
    void unverifiedPathRefusesCompressedPayloads() throws IOException {
        Path layout = TestLayouts.build(dir, new Compression.Zstd(3), TestLayouts.randomBytes(100, 3),
                TestLayouts.randomBytes(1000, 4));
        Payload payload = TestLayouts.read(layout).payload("system");
        assertThatThrownBy(payload::unverified)
                .isInstanceOf(OsImageFormatException.class)
                .hasMessageContaining("application/zstd")
                .hasMessageContaining("uncompressed");
    }

    @Test
    void unverifiedPathGivesTheStoredFileOfUncompressedPayloads() throws IOException {
        byte[] system = TestLayouts.randomBytes(MIB + 1, 4);
        Path layout = TestLayouts.build(dir, new Compression.None(), TestLayouts.randomBytes(100, 3), system);
        var blob = TestLayouts.read(layout).payload("system").unverified();
        assertThat(blob.size()).isEqualTo(system.length);
        assertThat(blob.localFile()).isPresent();
        assertThat(Files.readAllBytes(blob.localFile().orElseThrow())).isEqualTo(system);
    }
}
