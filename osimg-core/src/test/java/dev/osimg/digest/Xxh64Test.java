package dev.osimg.digest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** XXH64 against the specification's published values and against libzstd's own frame checksums. */
class Xxh64Test {
    @Test
    void matchesPublishedValues() {
        assertThat(Xxh64.hash(new byte[0])).isEqualTo(0xEF46DB3751D8E999L);
        assertThat(Xxh64.hash("a".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0xD24EC4F1A98C6E5BL);
        assertThat(Xxh64.hash("abc".getBytes(StandardCharsets.US_ASCII))).isEqualTo(0x44BC2CF5AD770999L);
    }

    /** A zstd frame with a checksum ends with the low 32 bits of XXH64 (seed 0) of its content, computed by libzstd. */
    @Test
    void agreesWithLibzstdFrameChecksumsForEveryTailLength() {
        Random random = new Random(7);
        for (int length : new int[] {1, 3, 4, 7, 8, 9, 31, 32, 33, 63, 64, 65, 100, 1000, 4096, 65_537, 1 << 20}) {
            byte[] data = new byte[length];
            random.nextBytes(data);
            try (var ctx = new com.github.luben.zstd.ZstdCompressCtx()) {
                ctx.setChecksum(true);
                byte[] frame = ctx.compress(data);
                int stored = ByteBuffer.wrap(frame, frame.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
                assertThat((int) Xxh64.hash(data)).as("length %d", length).isEqualTo(stored);
            }
            ByteBuffer offset = ByteBuffer.allocate(length + 5).position(5);
            offset.put(data).position(5);
            assertThat(Xxh64.hash(offset, 0)).isEqualTo(Xxh64.hash(data));
            assertThat(offset.position()).isEqualTo(5);
        }
    }
}
