package dev.osimg.efi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LoadOptionTest {
    private static final UUID PART = UUID.fromString("01020304-0506-0708-090a-0b0c0d0e0f10");

    @Test
    void encodesHardDriveFileAndEndNodesAsUefiSpecifies() {
        byte[] dp = DevicePath.hardDriveFile(1, 2048, 262144, PART, "/EFI/BOOT/BOOTx64.EFI").bytes();
        ByteBuffer b = ByteBuffer.wrap(dp).order(ByteOrder.LITTLE_ENDIAN);
        // HARDDRIVE_DEVICE_PATH: type 4 (media), subtype 1, length 42.
        assertThat(dp[0]).isEqualTo((byte) 4);
        assertThat(dp[1]).isEqualTo((byte) 1);
        assertThat(b.getShort(2)).isEqualTo((short) 42);
        assertThat(b.getInt(4)).isEqualTo(1);
        assertThat(b.getLong(8)).isEqualTo(2048);
        assertThat(b.getLong(16)).isEqualTo(262144);
        assertThat(HexFormat.of().formatHex(dp, 24, 40)).isEqualTo("0403020106050807090a0b0c0d0e0f10");
        assertThat(dp[40]).as("MBR type: GPT").isEqualTo((byte) 2);
        assertThat(dp[41]).as("signature type: GUID").isEqualTo((byte) 2);
        // FILEPATH_DEVICE_PATH: type 4, subtype 4, NUL-terminated UTF-16 path with backslashes.
        String path = "\\EFI\\BOOT\\BOOTx64.EFI\0";
        int fileLength = 4 + path.length() * 2;
        assertThat(dp[42]).isEqualTo((byte) 4);
        assertThat(dp[43]).isEqualTo((byte) 4);
        assertThat(b.getShort(44)).isEqualTo((short) fileLength);
        assertThat(new String(dp, 46, path.length() * 2, StandardCharsets.UTF_16LE)).isEqualTo(path);
        // End of entire device path.
        assertThat(HexFormat.of().formatHex(dp, 42 + fileLength, dp.length)).isEqualTo("7fff0400");
        assertThat(dp.length).isEqualTo(42 + fileLength + 4);
    }

    @Test
    void encodesTheLoadOptionHeader() {
        DevicePath dp = DevicePath.hardDriveFile(1, 2048, 1000, PART, "/EFI/BOOT/BOOTx64.EFI");
        byte[] option = LoadOption.active("Metropolis", dp).encode();
        ByteBuffer b = ByteBuffer.wrap(option).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt(0)).isEqualTo(LoadOption.ACTIVE);
        assertThat(b.getShort(4)).isEqualTo((short) dp.bytes().length);
        assertThat(new String(option, 6, 22, StandardCharsets.UTF_16LE)).isEqualTo("Metropolis\0");
        byte[] tail = java.util.Arrays.copyOfRange(option, 28, option.length);
        assertThat(tail).isEqualTo(dp.bytes());
    }
}
