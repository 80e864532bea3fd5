package dev.osimg.disk;

import java.util.zip.CRC32;

/** The CRC32 of GPT headers and entry arrays (the same polynomial as zip, so the JDK's). */
public final class Crc32 {
    private Crc32() {
    }

    /** The CRC32 of {@code length} bytes from {@code offset}. */
    public static int of(byte[] data, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(data, offset, length);
        return (int) crc.getValue();
    }
}
