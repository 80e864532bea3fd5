package dev.osimg.disk;

import dev.osimg.blob.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Writes a planned FAT32 filesystem onto a device (a partition): boot sector and its backup, FSInfo,
 * both FATs, the directories with long names, and every file's bytes in its cluster run.
 */
public final class Fat32Writer {
    private static final int END_OF_CHAIN = 0x0FFFFFFF;
    private static final int MEDIA = 0xF8;

    private final Fat32Layout layout;
    private final int volumeId;
    private final LocalDateTime timestamp;

    /** A writer for {@code layout}, stamping every entry with {@code timestamp} (2-second DOS resolution). */
    public Fat32Writer(Fat32Layout layout, int volumeId, LocalDateTime timestamp) {
        if (timestamp.getYear() < 1980 || timestamp.getYear() > 2107) {
            throw new IllegalArgumentException("FAT timestamps run from 1980 to 2107, not " + timestamp);
        }
        this.layout = layout;
        this.volumeId = volumeId;
        this.timestamp = timestamp;
    }

    /**
     * Writes the filesystem to {@code device}, which must be exactly the partition it was planned for and,
     * when {@code zeroed}, already read as zeros (so file bytes that are zero are not written).
     */
    public void write(BlockDevice device, long hiddenSectors, boolean zeroed, Progress progress) throws IOException {
        Fat32Geometry g = layout.geometry();
        if (device.size() / g.sectorSize() != g.totalSectors()) {
            throw new IllegalArgumentException(device.name() + " is " + device.size() + " bytes; the FAT32 layout was planned for "
                    + g.totalSectors() * g.sectorSize());
        }
        if (hiddenSectors < 0 || hiddenSectors > Fat32Geometry.MAX_SECTORS) {
            throw new IllegalArgumentException(device.name() + ": a FAT32 filesystem must start within the first "
                    + Fat32Geometry.MAX_SECTORS + " sectors of its disk, not at sector " + hiddenSectors);
        }
        writeReserved(device, hiddenSectors);
        writeFats(device, zeroed);
        writeDirectory(device, layout.tree().root(), 0, true);
        writeFiles(device, layout.tree().root(), zeroed, progress);
    }

    private void writeReserved(BlockDevice device, long hiddenSectors) throws IOException {
        Fat32Geometry g = layout.geometry();
        int ss = g.sectorSize();
        byte[] reserved = new byte[g.reservedSectors() * ss];
        byte[] boot = bootSector(hiddenSectors);
        byte[] info = fsInfo();
        System.arraycopy(boot, 0, reserved, 0, ss);
        System.arraycopy(info, 0, reserved, ss, ss);
        System.arraycopy(boot, 0, reserved, 6 * ss, ss);
        System.arraycopy(info, 0, reserved, 7 * ss, ss);
        device.write(0, ByteBuffer.wrap(reserved));
    }

    private byte[] bootSector(long hiddenSectors) {
        Fat32Geometry g = layout.geometry();
        byte[] s = new byte[g.sectorSize()];
        ByteBuffer b = ByteBuffer.wrap(s).order(ByteOrder.LITTLE_ENDIAN);
        s[0] = (byte) 0xEB;
        s[1] = 0x58;
        s[2] = (byte) 0x90;
        System.arraycopy("MSWIN4.1".getBytes(StandardCharsets.US_ASCII), 0, s, 3, 8);
        b.putShort(11, (short) g.sectorSize());
        s[13] = (byte) g.sectorsPerCluster();
        b.putShort(14, (short) g.reservedSectors());
        s[16] = 2;
        s[21] = (byte) MEDIA;
        b.putShort(24, (short) 63);
        b.putShort(26, (short) 255);
        b.putInt(28, (int) hiddenSectors);
        b.putInt(32, (int) g.totalSectors());
        b.putInt(36, (int) g.fatSectors());
        b.putInt(44, 2);
        b.putShort(48, (short) 1);
        b.putShort(50, (short) 6);
        s[64] = (byte) 0x80;
        s[66] = 0x29;
        b.putInt(67, volumeId);
        System.arraycopy(paddedLabel(), 0, s, 71, 11);
        System.arraycopy("FAT32   ".getBytes(StandardCharsets.US_ASCII), 0, s, 82, 8);
        s[510] = 0x55;
        s[511] = (byte) 0xAA;
        return s;
    }

    private byte[] fsInfo() {
        Fat32Geometry g = layout.geometry();
        byte[] s = new byte[g.sectorSize()];
        ByteBuffer b = ByteBuffer.wrap(s).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x41615252);
        b.putInt(484, 0x61417272);
        b.putInt(488, (int) (g.clusterCount() - layout.usedClusters()));
        b.putInt(492, (int) (2 + layout.usedClusters()));
        b.putInt(508, 0xAA550000);
        return s;
    }

    private byte[] paddedLabel() {
        byte[] out = "           ".getBytes(StandardCharsets.US_ASCII);
        byte[] label = layout.label().getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(label, 0, out, 0, label.length);
        return out;
    }

    /**
     * Writes both FATs: the entries in use from memory, the free rest as zeros, so that memory stays small
     * however large the filesystem (a 2 TiB ESP has a 256 MiB FAT).
     */
    private void writeFats(BlockDevice device, boolean zeroed) throws IOException {
        Fat32Geometry g = layout.geometry();
        long fatBytes = g.fatSectors() * g.sectorSize();
        long usedBytes = (2 + layout.usedClusters()) * 4;
        int headBytes = (int) Math.min(fatBytes, (usedBytes + g.sectorSize() - 1) / g.sectorSize() * g.sectorSize());
        ByteBuffer fat = ByteBuffer.allocate(headBytes).order(ByteOrder.LITTLE_ENDIAN);
        fat.putInt(0, 0x0FFFFF00 | MEDIA);
        fat.putInt(4, END_OF_CHAIN);
        chain(fat, layout.tree().root());
        for (int copy = 0; copy < 2; copy++) {
            device.write(g.fatOffset(copy), fat.duplicate().clear());
            if (!zeroed) {
                device.zero(g.fatOffset(copy) + headBytes, fatBytes - headBytes);
            }
        }
    }

    private void chain(ByteBuffer fat, FatTree.Node node) {
        Fat32Layout.Run run = layout.run(node);
        for (long i = 0; i < run.clusters(); i++) {
            long cluster = run.firstCluster() + i;
            fat.putInt((int) (cluster * 4), i == run.clusters() - 1 ? END_OF_CHAIN : (int) (cluster + 1));
        }
        if (node instanceof FatTree.Directory dir) {
            for (FatTree.Node child : dir.children()) {
                chain(fat, child);
            }
        }
    }

    private void writeDirectory(BlockDevice device, FatTree.Directory dir, long parentCluster, boolean isRoot) throws IOException {
        Fat32Geometry g = layout.geometry();
        Fat32Layout.Run run = layout.run(dir);
        ByteBuffer out = ByteBuffer.allocate((int) (run.clusters() * g.clusterSize())).order(ByteOrder.LITTLE_ENDIAN);
        if (isRoot) {
            DirectoryEntries.putShort(out, paddedLabel(), DirectoryEntries.ATTR_VOLUME_ID, 0, 0, timestamp);
        } else {
            DirectoryEntries.putShort(out, ".          ".getBytes(StandardCharsets.US_ASCII), DirectoryEntries.ATTR_DIRECTORY,
                    run.firstCluster(), 0, timestamp);
            DirectoryEntries.putShort(out, "..         ".getBytes(StandardCharsets.US_ASCII), DirectoryEntries.ATTR_DIRECTORY,
                    parentCluster, 0, timestamp);
        }
        Set<String> taken = new HashSet<>();
        for (FatTree.Node child : dir.children()) {
            byte[] plain = DirectoryEntries.plainShortName(child.name());
            if (plain != null) {
                taken.add(new String(plain, StandardCharsets.US_ASCII));
            }
        }
        for (FatTree.Node child : dir.children()) {
            byte[] shortName = DirectoryEntries.plainShortName(child.name());
            if (shortName == null) {
                shortName = DirectoryEntries.generatedShortName(child.name(), taken);
                DirectoryEntries.putLongName(out, child.name(), shortName);
            }
            Fat32Layout.Run childRun = layout.run(child);
            switch (child) {
                case FatTree.Directory d -> DirectoryEntries.putShort(out, shortName, DirectoryEntries.ATTR_DIRECTORY,
                        childRun.firstCluster(), 0, timestamp);
                case FatTree.File f -> DirectoryEntries.putShort(out, shortName, DirectoryEntries.ATTR_ARCHIVE,
                        childRun.firstCluster(), f.content().size(), timestamp);
            }
        }
        device.write(g.clusterOffset(run.firstCluster()), out.clear());
        for (FatTree.Node child : dir.children()) {
            if (child instanceof FatTree.Directory d) {
                writeDirectory(device, d, isRoot ? 0 : run.firstCluster(), false);
            }
        }
    }

    private void writeFiles(BlockDevice device, FatTree.Directory dir, boolean zeroed, Progress progress) throws IOException {
        for (FatTree.Node child : dir.children()) {
            switch (child) {
                case FatTree.Directory d -> writeFiles(device, d, zeroed, progress);
                case FatTree.File f -> {
                    Fat32Layout.Run run = layout.run(f);
                    if (run.clusters() == 0) {
                        continue;
                    }
                    long offset = layout.geometry().clusterOffset(run.firstCluster());
                    long size = f.content().size();
                    Optional<Path> local = f.content().localFile();
                    if (local.isPresent()) {
                        device.writeFile(offset, local.get(), size, progress);
                    } else {
                        try (InputStream in = f.content().open()) {
                            device.writeStream(offset, in, size, zeroed, progress);
                        }
                    }
                }
            }
        }
    }
}
