package dev.osimg.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.osimg.disk.Fat32Volume;
import dev.osimg.disk.Gpt;
import dev.osimg.disk.ImageFileDevice;
import dev.osimg.osimage.OsImageFormatException;
import dev.osimg.osimage.SeekTable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Bytes read back from disks and blobs: partition tables, FAT32 file systems, zstd seek tables. */
class DiskFormatFuzzTest {
    /** A disk image of the bytes, zero-padded to at least {@code minimum} bytes, as a block device. */
    private static Path disk(byte[] bytes, long minimum) throws IOException {
        Path file = Files.createTempFile("osimg-fuzz-", ".img");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes));
            if (bytes.length < minimum) {
                channel.write(ByteBuffer.wrap(new byte[1]), minimum - 1);
            }
        }
        return file;
    }

    @FuzzTest(maxDuration = "2m")
    void partitionTables(FuzzedDataProvider data) throws IOException {
        boolean backupOnly = data.consumeBoolean();
        byte[] bytes = data.consumeRemainingAsBytes();
        // The fuzzed bytes are the start of the disk, or its end (where the backup table lives).
        byte[] placed = bytes;
        if (backupOnly) {
            placed = new byte[Math.max(bytes.length, 64 * 512) + 34 * 512];
            System.arraycopy(bytes, 0, placed, placed.length - bytes.length, bytes.length);
        }
        Path file = disk(placed, 68 * 512);
        try (ImageFileDevice device = ImageFileDevice.open(file, 512, false)) {
            Gpt.read(device);
        } catch (IOException expected) {
            Expectations.plainMessage(expected);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @FuzzTest(maxDuration = "2m")
    void fat32FileSystems(FuzzedDataProvider data) throws IOException {
        String path = data.pickValue(new String[] {"EFI/BOOT/BOOTX64.EFI", "EFI/metropolis/loader_state.pb", "a", ""});
        Path file = disk(data.consumeRemainingAsBytes(), 512);
        try (ImageFileDevice device = ImageFileDevice.open(file, 512, false)) {
            Fat32Volume reader = Fat32Volume.open(device);
            reader.list("");
            reader.readFile(path);
        } catch (IOException expected) {
            Expectations.plainMessage(expected);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @FuzzTest(maxDuration = "2m")
    void seekTables(FuzzedDataProvider data) {
        long blobSize = data.consumeLong(0, Long.MAX_VALUE);
        byte[] tail = data.consumeRemainingAsBytes();
        try {
            SeekTable.parse(tail, Math.max(blobSize, tail.length), "blob");
        } catch (OsImageFormatException expected) {
            Expectations.plainMessage(expected);
        }
    }
}
