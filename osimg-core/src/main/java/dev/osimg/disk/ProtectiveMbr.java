package dev.osimg.disk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The protective MBR in front of a GPT: one partition of type 0xEE covering the disk, optional BIOS boot code. */
public final class ProtectiveMbr {
    /** The most boot code that fits before the disk signature. */
    public static final int MAX_BOOT_CODE = 440;

    private ProtectiveMbr() {
    }

    /** The 512-byte sector 0 for a disk of {@code totalBlocks} blocks. */
    public static byte[] sector(byte[] bootCode, long totalBlocks) {
        if (bootCode.length > MAX_BOOT_CODE) {
            throw new IllegalArgumentException("BIOS boot code is " + bootCode.length + " bytes; at most " + MAX_BOOT_CODE
                    + " fit into the MBR");
        }
        byte[] mbr = new byte[512];
        System.arraycopy(bootCode, 0, mbr, 0, bootCode.length);
        ByteBuffer b = ByteBuffer.wrap(mbr).order(ByteOrder.LITTLE_ENDIAN);
        int entry = 446;
        mbr[entry] = 0;
        mbr[entry + 1] = 0x00; // CHS of LBA 1: head 0, sector 2, cylinder 0
        mbr[entry + 2] = 0x02;
        mbr[entry + 3] = 0x00;
        mbr[entry + 4] = (byte) 0xEE;
        mbr[entry + 5] = (byte) 0xFF;
        mbr[entry + 6] = (byte) 0xFF;
        mbr[entry + 7] = (byte) 0xFF;
        b.putInt(entry + 8, 1);
        b.putInt(entry + 12, (int) Math.min(totalBlocks - 1, 0xFFFFFFFFL));
        mbr[510] = 0x55;
        mbr[511] = (byte) 0xAA;
        return mbr;
    }
}
