package dev.osimg.digest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * XXH64, written from its published specification (xxHash, "XXH64 algorithm description"):
 * the seek table of seekable zstd stores its low 32 bits per frame; zstd-jni does not expose it.
 */
public final class Xxh64 {
    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;
    private static final long P5 = 0x27D4EB2F165667C5L;

    private Xxh64() {
    }

    /** XXH64 of the buffer's remaining bytes (its position is left unchanged). */
    public static long hash(ByteBuffer data, long seed) {
        ByteBuffer in = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int p = in.position();
        int end = in.limit();
        long length = end - p;
        long acc;
        if (length >= 32) {
            long v1 = seed + P1 + P2;
            long v2 = seed + P2;
            long v3 = seed;
            long v4 = seed - P1;
            for (int limit = end - 32; p <= limit; p += 32) {
                v1 = round(v1, in.getLong(p));
                v2 = round(v2, in.getLong(p + 8));
                v3 = round(v3, in.getLong(p + 16));
                v4 = round(v4, in.getLong(p + 24));
            }
            acc = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
            acc = merge(acc, v1);
            acc = merge(acc, v2);
            acc = merge(acc, v3);
            acc = merge(acc, v4);
        } else {
            acc = seed + P5;
        }
        acc += length;
        for (; p + 8 <= end; p += 8) {
            acc ^= round(0, in.getLong(p));
            acc = Long.rotateLeft(acc, 27) * P1 + P4;
        }
        if (p + 4 <= end) {
            acc ^= (in.getInt(p) & 0xFFFFFFFFL) * P1;
            acc = Long.rotateLeft(acc, 23) * P2 + P3;
            p += 4;
        }
        for (; p < end; p++) {
            acc ^= (in.get(p) & 0xFFL) * P5;
            acc = Long.rotateLeft(acc, 11) * P1;
        }
        acc ^= acc >>> 33;
        acc *= P2;
        acc ^= acc >>> 29;
        acc *= P3;
        acc ^= acc >>> 32;
        return acc;
    }

    /** XXH64 of a byte array with seed 0. */
    public static long hash(byte[] data) {
        return hash(ByteBuffer.wrap(data), 0);
    }

    private static long round(long acc, long lane) {
        return Long.rotateLeft(acc + lane * P2, 31) * P1;
    }

    private static long merge(long acc, long v) {
        return (acc ^ round(0, v)) * P1 + P4;
    }
}
