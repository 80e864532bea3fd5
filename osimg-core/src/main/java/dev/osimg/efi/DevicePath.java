package dev.osimg.efi;

import dev.osimg.disk.Guids;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;

/** A UEFI device path (UEFI 2.10 §10.3): a hard-drive partition, a file on it, and the end node. */
public record DevicePath(byte[] bytes) {
    private static final int MEDIA = 0x04;
    private static final int HARD_DRIVE = 0x01;
    private static final int FILE_PATH = 0x04;
    private static final int END = 0x7F;
    private static final int END_ENTIRE = 0xFF;
    private static final int PARTITION_FORMAT_GPT = 0x02;
    private static final int SIGNATURE_TYPE_GUID = 0x02;

    public DevicePath {
        bytes = bytes.clone();
    }

    /**
     * The path firmware boots from: partition {@code number} (1-based) of a GPT disk, starting at {@code startLba}
     * and {@code blocks} long, identified by its partition GUID, then the file {@code file} (backslashes or slashes).
     */
    public static DevicePath hardDriveFile(int number, long startLba, long blocks, UUID partitionGuid, String file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer hd = ByteBuffer.allocate(42).order(ByteOrder.LITTLE_ENDIAN);
        hd.put((byte) MEDIA).put((byte) HARD_DRIVE).putShort((short) 42);
        hd.putInt(number).putLong(startLba).putLong(blocks);
        hd.put(Guids.bytes(partitionGuid));
        hd.put((byte) PARTITION_FORMAT_GPT).put((byte) SIGNATURE_TYPE_GUID);
        out.writeBytes(hd.array());
        byte[] name = (file.replace('/', '\\') + "\0").getBytes(StandardCharsets.UTF_16LE);
        ByteBuffer fp = ByteBuffer.allocate(4 + name.length).order(ByteOrder.LITTLE_ENDIAN);
        fp.put((byte) MEDIA).put((byte) FILE_PATH).putShort((short) (4 + name.length)).put(name);
        out.writeBytes(fp.array());
        out.writeBytes(new byte[] {END, (byte) END_ENTIRE, 4, 0});
        return new DevicePath(out.toByteArray());
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DevicePath other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
