package dev.osimg.osimage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osimg.digest.Xxh64;
import dev.osimg.oci.MediaTypes;
import dev.osimg.testing.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Seekable zstd payloads: one frame per chunk plus a seek table, still one zstd stream for every decoder. */
class SeekableZstdTest {
    private static final int MIB = 1 << 20;
    private static final Compression SEEKABLE = new Compression.Zstd(3, true);

    @TempDir
    Path dir;

    /** Text-like content that compresses, with a random stretch so frames differ in size. */
    static byte[] content(int size, long seed) {
        byte[] bytes = new byte[size];
        Random random = new Random(seed);
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) ("osimg seekable zstd ".charAt(i % 20) + (i % 4096 < 512 ? random.nextInt(64) : 0));
        }
        return bytes;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, MIB - 1, MIB, MIB + 1, 3 * MIB + 12345})
    void oneFramePerChunkDecodedByVerifiedReaderAndZstdCli(int size) throws Exception {
        byte[] data = content(size, size);
        Path layout = TestLayouts.build(dir, SEEKABLE, data, new byte[] {1, 2, 3});
        Payload payload = TestLayouts.read(layout).payload("kernel.efi");
        assertThat(payload.layer().mediaType()).isEqualTo(MediaTypes.PAYLOAD_ZSTD);
        try (InputStream in = payload.openVerified()) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }

        Path blob = TestLayouts.layerFile(layout, 0);
        Path decoded = dir.resolve("decoded");
        Tools.ok("zstd", "-q", "-d", "-f", blob.toString(), "-o", decoded.toString());
        assertThat(Files.readAllBytes(decoded)).isEqualTo(data);

        byte[] stored = Files.readAllBytes(blob);
        SeekTable table = SeekTable.parse(stored, stored.length, "blob");
        table.requireChunkFrames(payload.info(), "blob");
        assertThat(table.hasChecksums()).isTrue();
        assertThat(table.frames()).hasSize((int) PayloadInfo.chunkCount(size, MIB));
        for (int i = 0; i < table.frames().size(); i++) {
            SeekTable.Frame frame = table.frames().get(i);
            byte[] frameBytes = Arrays.copyOfRange(stored, (int) table.frameOffset(i), (int) (table.frameOffset(i) + frame.compressedSize()));
            byte[] chunk = Arrays.copyOfRange(data, i * MIB, Math.min(size, (i + 1) * MIB));
            assertThat(com.github.luben.zstd.Zstd.getFrameContentSize(frameBytes)).as("content size in frame %d header", i).isEqualTo(chunk.length);
            assertThat(com.github.luben.zstd.Zstd.decompress(frameBytes, chunk.length)).isEqualTo(chunk);
            assertThat(frame.checksum()).isEqualTo((int) Xxh64.hash(chunk));
            // The frame's own checksum (libzstd's XXH64) is the seek table's entry.
            assertThat(ByteBuffer.wrap(frameBytes, frameBytes.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt()).isEqualTo(frame.checksum());
        }
        assertThat(table.framesSize() + table.size()).isEqualTo(stored.length);
    }

    @Test
    void unchangedChunksGiveByteIdenticalFramesAcrossBuilds() throws IOException {
        byte[] old = content(5 * MIB + 100, 1);
        byte[] changed = old.clone();
        changed[2 * MIB + 17] ^= 0x55;
        Path a = TestLayouts.build(dir.resolve("a"), SEEKABLE, old, new byte[0]);
        Path b = TestLayouts.build(dir.resolve("b"), SEEKABLE, changed, new byte[0]);
        Path again = TestLayouts.build(dir.resolve("again"), SEEKABLE, old, new byte[0]);
        assertThat(Files.readAllBytes(TestLayouts.layerFile(again, 0))).isEqualTo(Files.readAllBytes(TestLayouts.layerFile(a, 0)));

        byte[] blobA = Files.readAllBytes(TestLayouts.layerFile(a, 0));
        byte[] blobB = Files.readAllBytes(TestLayouts.layerFile(b, 0));
        SeekTable ta = SeekTable.parse(blobA, blobA.length, "a");
        SeekTable tb = SeekTable.parse(blobB, blobB.length, "b");
        for (int i = 0; i < 6; i++) {
            byte[] fa = Arrays.copyOfRange(blobA, (int) ta.frameOffset(i), (int) ta.frameOffset(i + 1));
            byte[] fb = Arrays.copyOfRange(blobB, (int) tb.frameOffset(i), (int) tb.frameOffset(i + 1));
            if (i == 2) {
                assertThat(fb).isNotEqualTo(fa);
            } else {
                assertThat(fb).as("frame %d", i).isEqualTo(fa);
            }
        }
    }

    @Test
    void singleFrameStaysTheDefaultLayout() throws IOException {
        byte[] data = content(2 * MIB, 3);
        Path layout = TestLayouts.build(dir, new Compression.Zstd(3), data, new byte[0]);
        byte[] blob = Files.readAllBytes(TestLayouts.layerFile(layout, 0));
        assertThat(SeekTable.endsWithSeekableMagic(blob)).isFalse();
        assertThat(com.github.luben.zstd.Zstd.getFrameContentSize(blob)).isEqualTo(2 * MIB);
        assertThat(Compression.parse("zstd")).isEqualTo(new Compression.Zstd(3, false));
    }

    private static byte[] table(int frames) {
        return SeekTable.of(java.util.Collections.nCopies(frames, new SeekTable.Frame(10, 20, 5))).toBytes();
    }

    private static byte[] withFrames(byte[] table, int framesSize) {
        byte[] blob = new byte[framesSize + table.length];
        System.arraycopy(table, 0, blob, framesSize, table.length);
        return blob;
    }

    @Test
    void parserChecksEveryField() throws IOException {
        byte[] good = withFrames(table(3), 30);
        assertThat(SeekTable.parse(good, good.length, "b").frames()).hasSize(3);
        byte[] onlyTail = Arrays.copyOfRange(good, 30, good.length);
        assertThat(SeekTable.parse(onlyTail, good.length, "b").frameOffset(2)).isEqualTo(20);

        byte[] badMagic = good.clone();
        badMagic[badMagic.length - 1] ^= 1;
        assertThatThrownBy(() -> SeekTable.parse(badMagic, badMagic.length, "b")).isInstanceOf(OsImageFormatException.class)
                .hasMessageContaining("does not end with the seekable magic");
        byte[] reserved = good.clone();
        reserved[reserved.length - 5] = (byte) 0x84;
        assertThatThrownBy(() -> SeekTable.parse(reserved, reserved.length, "b")).hasMessageContaining("reserved bits");
        byte[] skippable = good.clone();
        skippable[30] ^= 1;
        assertThatThrownBy(() -> SeekTable.parse(skippable, skippable.length, "b")).hasMessageContaining("skippable frame magic");
        byte[] frameSize = good.clone();
        frameSize[34] ^= 1;
        assertThatThrownBy(() -> SeekTable.parse(frameSize, frameSize.length, "b")).hasMessageContaining("Frame_Size");
        assertThatThrownBy(() -> SeekTable.parse(good, good.length + 1, "b")).hasMessageContaining("not the blob's size");
        byte[] manyFrames = good.clone();
        ByteBuffer.wrap(manyFrames).order(ByteOrder.LITTLE_ENDIAN).putInt(manyFrames.length - 9, 0xFFFFFFFF);
        assertThatThrownBy(() -> SeekTable.parse(manyFrames, manyFrames.length, "b")).isInstanceOf(OsImageFormatException.class);
        byte[] moreFrames = good.clone();
        ByteBuffer.wrap(moreFrames).order(ByteOrder.LITTLE_ENDIAN).putInt(moreFrames.length - 9, 1000);
        assertThatThrownBy(() -> SeekTable.parse(moreFrames, moreFrames.length, "b")).hasMessageContaining("needs");
        byte[] emptyFrame = good.clone();
        ByteBuffer.wrap(emptyFrame).order(ByteOrder.LITTLE_ENDIAN).putInt(30 + 8, 0);
        assertThatThrownBy(() -> SeekTable.parse(emptyFrame, emptyFrame.length, "b")).hasMessageContaining("Compressed_Size of 0");
        assertThatThrownBy(() -> SeekTable.parse(new byte[5], 5, "b")).hasMessageContaining("too short");

        PayloadInfo info = new PayloadInfo("system", 60, 20, List.of("a", "b", "c"));
        SeekTable.parse(good, good.length, "b").requireChunkFrames(info, "b");
        PayloadInfo other = new PayloadInfo("system", 45, 20, List.of("a", "b", "c"));
        assertThatThrownBy(() -> SeekTable.parse(good, good.length, "b").requireChunkFrames(other, "b"))
                .hasMessageContaining("frame 2 decompresses to 20 bytes but chunk 2 of payload \"system\" is 5 bytes");
    }

    @Test
    void parserNeverFailsOtherwiseOnMutatedTables() {
        byte[] good = withFrames(table(4), 40);
        Random random = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            byte[] mutated = good.clone();
            for (int k = random.nextInt(3) + 1; k > 0; k--) {
                mutated[40 + random.nextInt(mutated.length - 40)] = (byte) random.nextInt(256);
            }
            try {
                SeekTable.parse(mutated, mutated.length, "b");
            } catch (OsImageFormatException e) {
                assertThat(e.getMessage()).startsWith("b: invalid seek table: ");
            }
        }
    }
}
