package dev.osimg.disk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;

/** GUIDs as UEFI stores them: the first three fields little-endian, the last eight bytes as written. */
public final class Guids {
    private Guids() {
    }

    /** Writes {@code guid} as 16 bytes at {@code offset}. */
    public static void put(byte[] target, int offset, UUID guid) {
        long msb = guid.getMostSignificantBits();
        ByteBuffer b = ByteBuffer.wrap(target, offset, 16).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt((int) (msb >>> 32));
        b.putShort((short) (msb >>> 16));
        b.putShort((short) msb);
        b.order(ByteOrder.BIG_ENDIAN).putLong(guid.getLeastSignificantBits());
    }

    /** The 16 bytes of {@code guid}. */
    public static byte[] bytes(UUID guid) {
        byte[] out = new byte[16];
        put(out, 0, guid);
        return out;
    }

    /** Reads 16 bytes at {@code offset} as a GUID. */
    public static UUID get(byte[] source, int offset) {
        ByteBuffer b = ByteBuffer.wrap(source, offset, 16).order(ByteOrder.LITTLE_ENDIAN);
        long a = b.getInt() & 0xffffffffL;
        long c = b.getShort() & 0xffffL;
        long d = b.getShort() & 0xffffL;
        long lsb = b.order(ByteOrder.BIG_ENDIAN).getLong();
        return new UUID(a << 32 | c << 16 | d, lsb);
    }
}
