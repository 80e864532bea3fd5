package dev.osimg.efi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** A UEFI load option ({@code EFI_LOAD_OPTION}, the content of a {@code Boot####} variable): attributes, description, device path. */
public record LoadOption(int attributes, String description, DevicePath path, byte[] optionalData) {
    /** The option takes part in booting. */
    public static final int ACTIVE = 0x1;

    public LoadOption {
        optionalData = optionalData.clone();
    }

    /** An active option without optional data. */
    public static LoadOption active(String description, DevicePath path) {
        return new LoadOption(ACTIVE, description, path, new byte[0]);
    }

    /** The encoded option: attributes, path length, NUL-terminated UTF-16 description, path, optional data. */
    public byte[] encode() {
        byte[] desc = (description + "\0").getBytes(StandardCharsets.UTF_16LE);
        byte[] dp = path.bytes();
        ByteBuffer b = ByteBuffer.allocate(6 + desc.length + dp.length + optionalData.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(attributes).putShort((short) dp.length).put(desc).put(dp).put(optionalData);
        return b.array();
    }

    @Override
    public byte[] optionalData() {
        return optionalData.clone();
    }
}
