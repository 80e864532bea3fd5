package dev.osimg.disk;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads files back from a FAT32 filesystem (long names included), for checks and for A/B state updates. */
public final class Fat32Reader {
    /** A directory entry: long (or short) name, whether a directory, first cluster and size. */
    public record Entry(String name, boolean directory, long firstCluster, long size) {
    }

    private final BlockDevice device;
    private final int sectorSize;
    private final int clusterSize;
    private final long fatOffset;
    private final long dataOffset;
    private final long rootCluster;
    private final long clusterCount;
    private final String label;

    private Fat32Reader(BlockDevice device, byte[] boot) throws IOException {
        this.device = device;
        ByteBuffer b = ByteBuffer.wrap(boot).order(ByteOrder.LITTLE_ENDIAN);
        sectorSize = b.getShort(11) & 0xffff;
        int sectorsPerCluster = boot[13] & 0xff;
        int reserved = b.getShort(14) & 0xffff;
        int fats = boot[16] & 0xff;
        long fatSectors = b.getInt(36) & 0xffffffffL;
        long totalSectors = b.getInt(32) & 0xffffffffL;
        if ((boot[510] & 0xff) != 0x55 || (boot[511] & 0xff) != 0xAA || sectorSize < 512 || sectorsPerCluster == 0
                || fats == 0 || fatSectors == 0 || b.getShort(22) != 0) {
            throw new IOException(device.name() + " does not hold a FAT32 filesystem");
        }
        clusterSize = sectorSize * sectorsPerCluster;
        fatOffset = (long) reserved * sectorSize;
        dataOffset = fatOffset + fats * fatSectors * sectorSize;
        rootCluster = b.getInt(44) & 0xffffffffL;
        clusterCount = (totalSectors - reserved - fats * fatSectors) / sectorsPerCluster;
        label = new String(boot, 71, 11, StandardCharsets.US_ASCII).strip();
    }

    /** Opens the filesystem on {@code device}, checking that its boot sector is FAT32. */
    public static Fat32Reader open(BlockDevice device) throws IOException {
        byte[] boot = new byte[512];
        device.read(0, ByteBuffer.wrap(boot));
        return new Fat32Reader(device, boot);
    }

    /** The volume label from the boot sector. */
    public String label() {
        return label;
    }

    /** The entries of a directory ({@code ""} is the root), without {@code .}, {@code ..} and the volume label. */
    public List<Entry> list(String path) throws IOException {
        Entry dir = path.isEmpty() ? new Entry("", true, rootCluster, 0) : find(path);
        if (!dir.directory()) {
            throw new IOException(path + " is not a directory");
        }
        return entries(dir.firstCluster());
    }

    /** The content of the file at {@code path} ({@code /}-separated, case-insensitive as FAT is). */
    public byte[] readFile(String path) throws IOException {
        Entry file = find(path);
        if (file.directory()) {
            throw new IOException(path + " is a directory");
        }
        byte[] data = readChain(file.firstCluster(), file.size());
        if (data.length < file.size()) {
            throw new IOException(path + ": its cluster chain ends after " + data.length + " of " + file.size() + " bytes");
        }
        return data;
    }

    private Entry find(String path) throws IOException {
        long cluster = rootCluster;
        Entry found = null;
        for (String part : path.split("/")) {
            if (found != null && !found.directory()) {
                throw new FileNotFoundException(path + ": " + found.name() + " is not a directory");
            }
            found = null;
            for (Entry e : entries(cluster)) {
                if (e.name().toUpperCase(Locale.ROOT).equals(part.toUpperCase(Locale.ROOT))) {
                    found = e;
                    break;
                }
            }
            if (found == null) {
                throw new FileNotFoundException(path + ": no such file on the FAT filesystem");
            }
            cluster = found.firstCluster();
        }
        return found;
    }

    private List<Entry> entries(long firstCluster) throws IOException {
        byte[] dir = readChain(firstCluster, Long.MAX_VALUE);
        List<Entry> out = new ArrayList<>();
        StringBuilder longName = new StringBuilder();
        ByteBuffer b = ByteBuffer.wrap(dir).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at + 32 <= dir.length; at += 32) {
            int first = dir[at] & 0xff;
            if (first == 0) {
                break;
            }
            int attr = dir[at + 11] & 0xff;
            if (first == 0xE5) {
                longName.setLength(0);
                continue;
            }
            if (attr == DirectoryEntries.ATTR_LONG_NAME) {
                StringBuilder part = new StringBuilder();
                for (int off : new int[] {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30}) {
                    char c = (char) b.getShort(at + off);
                    if (c == 0) {
                        break;
                    }
                    part.append(c);
                }
                longName.insert(0, part);
                continue;
            }
            if ((attr & DirectoryEntries.ATTR_VOLUME_ID) != 0 || first == '.') {
                longName.setLength(0);
                continue;
            }
            String name = longName.isEmpty() ? shortName(dir, at) : longName.toString();
            longName.setLength(0);
            long cluster = ((b.getShort(at + 20) & 0xffffL) << 16) | (b.getShort(at + 26) & 0xffffL);
            out.add(new Entry(name, (attr & DirectoryEntries.ATTR_DIRECTORY) != 0, cluster, b.getInt(at + 28) & 0xffffffffL));
        }
        return out;
    }

    private static String shortName(byte[] dir, int at) {
        String base = new String(dir, at, 8, StandardCharsets.US_ASCII).stripTrailing();
        String ext = new String(dir, at + 8, 3, StandardCharsets.US_ASCII).stripTrailing();
        return ext.isEmpty() ? base : base + "." + ext;
    }

    private byte[] readChain(long first, long limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long cluster = first;
        long steps = 0;
        byte[] buffer = new byte[clusterSize];
        ByteBuffer next = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        while (cluster >= 2 && cluster < 0x0FFFFFF7L && out.size() < limit) {
            if (cluster >= clusterCount + 2 || ++steps > clusterCount) {
                throw new IOException(device.name() + ": broken cluster chain at cluster " + cluster);
            }
            device.read(dataOffset + (cluster - 2) * clusterSize, ByteBuffer.wrap(buffer));
            out.write(buffer, 0, (int) Math.min(clusterSize, limit - out.size()));
            device.read(fatOffset + cluster * 4, next.clear());
            cluster = next.getInt(0) & 0x0FFFFFFFL;
        }
        return out.toByteArray();
    }
}
