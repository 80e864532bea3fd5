package dev.osimg.disk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A GUID partition table (UEFI 2.10 chapter 5): written with a protective MBR, primary and backup
 * headers and entry arrays and their CRC32s; read with every CRC checked, falling back to the backup.
 */
public record Gpt(UUID diskGuid, List<GptPartition> partitions) {
    /** Number of entries in the arrays osimg writes. */
    public static final int ENTRY_COUNT = 128;
    /** Size of one entry. */
    public static final int ENTRY_SIZE = 128;
    private static final long SIGNATURE = 0x5452415020494645L; // "EFI PART" little-endian
    private static final int REVISION = 0x00010000;
    private static final int HEADER_SIZE = 92;

    public Gpt {
        Objects.requireNonNull(diskGuid, "diskGuid");
        partitions = List.copyOf(partitions);
        if (partitions.size() > ENTRY_COUNT) {
            throw new IllegalArgumentException("a GPT holds at most " + ENTRY_COUNT + " partitions");
        }
    }

    /** Blocks taken by one entry array. */
    public static long entryArrayBlocks(int blockSize) {
        return ((long) ENTRY_COUNT * ENTRY_SIZE + blockSize - 1) / blockSize;
    }

    /** The first LBA a partition may start at. */
    public static long firstUsableLba(int blockSize) {
        return 2 + entryArrayBlocks(blockSize);
    }

    /** The last LBA a partition may end at on a disk of {@code totalBlocks}. */
    public static long lastUsableLba(long totalBlocks, int blockSize) {
        return totalBlocks - 2 - entryArrayBlocks(blockSize);
    }

    /** Writes the protective MBR, both entry arrays and both headers. */
    public void write(BlockDevice device, byte[] bootCode) throws IOException {
        int bs = device.blockSize();
        long totalBlocks = device.size() / bs;
        long entryBlocks = entryArrayBlocks(bs);
        long lastLba = totalBlocks - 1;
        long firstUsable = firstUsableLba(bs);
        long lastUsable = lastUsableLba(totalBlocks, bs);
        for (GptPartition p : partitions) {
            if (p.firstLba() < firstUsable || p.lastLba() > lastUsable) {
                throw new IllegalArgumentException("partition \"" + p.name() + "\" (LBA " + p.firstLba() + ".." + p.lastLba()
                        + ") lies outside the usable LBAs " + firstUsable + ".." + lastUsable);
            }
        }
        byte[] entries = new byte[(int) (entryBlocks * bs)];
        for (int i = 0; i < partitions.size(); i++) {
            encodeEntry(partitions.get(i), entries, i * ENTRY_SIZE);
        }
        int entriesCrc = Crc32.of(entries, 0, ENTRY_COUNT * ENTRY_SIZE);
        long backupEntriesLba = lastLba - entryBlocks;
        byte[] primary = header(bs, 1, lastLba, firstUsable, lastUsable, 2, entriesCrc);
        byte[] backup = header(bs, lastLba, 1, firstUsable, lastUsable, backupEntriesLba, entriesCrc);
        device.write(backupEntriesLba * bs, ByteBuffer.wrap(entries));
        device.write(lastLba * bs, ByteBuffer.wrap(backup));
        device.write(2L * bs, ByteBuffer.wrap(entries));
        device.write(bs, ByteBuffer.wrap(primary));
        byte[] mbr = new byte[bs];
        System.arraycopy(ProtectiveMbr.sector(bootCode, totalBlocks), 0, mbr, 0, 512);
        device.write(0, ByteBuffer.wrap(mbr));
    }

    /** Reads the table, checking the primary header and entries and using the backup when they are damaged. */
    public static Gpt read(BlockDevice device) throws IOException {
        int bs = device.blockSize();
        long lastLba = device.size() / bs - 1;
        String primaryProblem;
        try {
            return readAt(device, 1, lastLba);
        } catch (GptException e) {
            primaryProblem = e.getMessage();
        }
        try {
            return readAt(device, lastLba, 1);
        } catch (GptException e) {
            throw new GptException(device.name() + " has no valid GPT: primary: " + primaryProblem + "; backup: " + e.getMessage());
        }
    }

    private static Gpt readAt(BlockDevice device, long lba, long alternate) throws IOException {
        int bs = device.blockSize();
        byte[] block = new byte[bs];
        device.read(lba * bs, ByteBuffer.wrap(block));
        ByteBuffer h = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
        if (h.getLong(0) != SIGNATURE) {
            throw new GptException("no \"EFI PART\" signature at LBA " + lba);
        }
        int headerSize = h.getInt(12);
        if (headerSize < HEADER_SIZE || headerSize > bs) {
            throw new GptException("header size " + headerSize + " at LBA " + lba + " is invalid");
        }
        int storedCrc = h.getInt(16);
        h.putInt(16, 0);
        if (Crc32.of(block, 0, headerSize) != storedCrc) {
            throw new GptException("header CRC32 mismatch at LBA " + lba);
        }
        if (h.getLong(24) != lba) {
            throw new GptException("header at LBA " + lba + " says it is at LBA " + h.getLong(24));
        }
        UUID disk = Guids.get(block, 56);
        long entriesLba = h.getLong(72);
        int count = h.getInt(80);
        int size = h.getInt(84);
        if (count <= 0 || count > 1024 || size < ENTRY_SIZE || size > 1024 || size % 8 != 0) {
            throw new GptException("entry array of " + count + " entries of " + size + " bytes is invalid");
        }
        byte[] entries = new byte[count * size];
        device.read(entriesLba * bs, ByteBuffer.wrap(entries));
        if (Crc32.of(entries, 0, entries.length) != h.getInt(88)) {
            throw new GptException("partition entry array CRC32 mismatch (entries at LBA " + entriesLba + ")");
        }
        List<GptPartition> partitions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            UUID type = Guids.get(entries, i * size);
            if (type.getMostSignificantBits() == 0 && type.getLeastSignificantBits() == 0) {
                continue;
            }
            try {
                partitions.add(decodeEntry(entries, i * size));
            } catch (IllegalArgumentException e) {
                throw new GptException("entry " + (i + 1) + " at LBA " + entriesLba + " is invalid: " + e.getMessage());
            }
        }
        return new Gpt(disk, partitions);
    }

    private byte[] header(int bs, long myLba, long alternateLba, long firstUsable, long lastUsable, long entriesLba, int entriesCrc) {
        byte[] block = new byte[bs];
        ByteBuffer h = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN);
        h.putLong(0, SIGNATURE);
        h.putInt(8, REVISION);
        h.putInt(12, HEADER_SIZE);
        h.putLong(24, myLba);
        h.putLong(32, alternateLba);
        h.putLong(40, firstUsable);
        h.putLong(48, lastUsable);
        Guids.put(block, 56, diskGuid);
        h.putLong(72, entriesLba);
        h.putInt(80, ENTRY_COUNT);
        h.putInt(84, ENTRY_SIZE);
        h.putInt(88, entriesCrc);
        h.putInt(16, Crc32.of(block, 0, HEADER_SIZE));
        return block;
    }

    private static void encodeEntry(GptPartition p, byte[] out, int at) {
        ByteBuffer e = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        Guids.put(out, at, p.type());
        Guids.put(out, at + 16, p.id());
        e.putLong(at + 32, p.firstLba());
        e.putLong(at + 40, p.lastLba());
        e.putLong(at + 48, p.attributes());
        byte[] name = p.name().getBytes(StandardCharsets.UTF_16LE);
        System.arraycopy(name, 0, out, at + 56, name.length);
    }

    private static GptPartition decodeEntry(byte[] in, int at) {
        ByteBuffer e = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
        int length = 0;
        while (length < GptPartition.MAX_NAME_LENGTH && e.getShort(at + 56 + 2 * length) != 0) {
            length++;
        }
        String name = new String(in, at + 56, 2 * length, StandardCharsets.UTF_16LE);
        return new GptPartition(Guids.get(in, at), Guids.get(in, at + 16), e.getLong(at + 32), e.getLong(at + 40),
                e.getLong(at + 48), name);
    }
}
