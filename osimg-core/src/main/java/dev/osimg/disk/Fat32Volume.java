package dev.osimg.disk;

import dev.osimg.blob.Blob;
import dev.osimg.blob.Progress;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An existing FAT32 filesystem edited in place, without a mount: read files, replace a file's content, add files and
 * directories, delete files.
 *
 * <p>Every change is ordered so that an interruption at any point leaves the old or the new state, never a torn one
 * (see docs/ab.md): new content goes into free clusters first (flushed), then the clusters are marked in the first
 * FAT and then in its mirror (flushed), then the directory entry is switched by one sector write (flushed), and only
 * then are the old clusters freed (first FAT, then the mirror). The first FAT always agrees with the directories, so an
 * interruption leaves at worst clusters that no file owns, or a mirror that lags behind; the next change through this
 * class (or {@code fsck.fat -a}) reclaims them.
 */
public final class Fat32Volume {
    private static final int END_OF_CHAIN = 0x0FFFFFFF;
    private static final int BAD_CLUSTER = 0x0FFFFFF7;
    private static final int DELETED = 0xE5;
    private static final int[] LFN_OFFSETS = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};

    /** A directory entry: long (or short) name, whether a directory, first cluster and size. */
    public record Entry(String name, boolean directory, long firstCluster, long size) {
    }

    /** An entry and where it is: the device offsets of its short entry and of its long-name slots. */
    private record Located(Entry entry, byte[] shortName, long shortOffset, List<Long> lfnOffsets) {
    }

    /** A directory as read: its cluster chain, every slot's device offset, the entries and the orphaned long names. */
    private record Listing(long firstCluster, List<Long> chain, List<Long> slots, byte[] raw, List<Located> entries,
                           List<Long> orphanLfnSlots) {
        Set<String> shortNames() {
            Set<String> names = new HashSet<>();
            for (int at = 0; at + DirectoryEntries.SIZE <= raw.length; at += DirectoryEntries.SIZE) {
                int first = raw[at] & 0xff;
                if (first == 0) {
                    break;
                }
                if (first != DELETED && (raw[at + 11] & 0xff) != DirectoryEntries.ATTR_LONG_NAME) {
                    names.add(new String(raw, at, 11, StandardCharsets.US_ASCII));
                }
            }
            return names;
        }
    }

    private final BlockDevice device;
    private final int sectorSize;
    private final int clusterSize;
    private final long dataOffset;
    private final long rootCluster;
    private final long clusterCount;
    private final int fsInfoSector;
    private final long[] fatOffsets;
    private final String label;
    /** The first FAT, entries 0 .. clusterCount+1, as raw 32-bit words (the top 4 bits are reserved and kept). */
    private final int[] fat;
    private long freeClusters;
    private long nextFree = 2;
    private boolean checked;

    private Fat32Volume(BlockDevice device, byte[] boot) throws IOException {
        this.device = device;
        ByteBuffer b = ByteBuffer.wrap(boot).order(ByteOrder.LITTLE_ENDIAN);
        sectorSize = b.getShort(11) & 0xffff;
        int sectorsPerCluster = boot[13] & 0xff;
        int reserved = b.getShort(14) & 0xffff;
        int fats = boot[16] & 0xff;
        long fatSectors = b.getInt(36) & 0xffffffffL;
        long totalSectors = b.getInt(32) & 0xffffffffL;
        if ((boot[510] & 0xff) != 0x55 || (boot[511] & 0xff) != 0xAA || sectorSize < 512 || Integer.bitCount(sectorSize) != 1
                || sectorsPerCluster == 0 || fats == 0 || fatSectors == 0 || b.getShort(22) != 0
                || totalSectors * sectorSize > device.size()) {
            throw new IOException(device.name() + " does not hold a FAT32 filesystem");
        }
        clusterSize = sectorSize * sectorsPerCluster;
        long fatOffset = (long) reserved * sectorSize;
        dataOffset = fatOffset + fats * fatSectors * sectorSize;
        rootCluster = b.getInt(44) & 0xffffffffL;
        clusterCount = Math.min((totalSectors - reserved - fats * fatSectors) / sectorsPerCluster, fatSectors * sectorSize / 4 - 2);
        fsInfoSector = b.getShort(48) & 0xffff;
        label = new String(boot, 71, 11, StandardCharsets.US_ASCII).strip();
        int extFlags = b.getShort(40) & 0xffff;
        // Bit 7 set: the FATs are not mirrored and only the active one (bits 0-3) is used.
        if ((extFlags & 0x80) != 0) {
            fatOffsets = new long[] {fatOffset + (extFlags & 0xf) * fatSectors * sectorSize};
        } else {
            fatOffsets = new long[fats];
            for (int i = 0; i < fats; i++) {
                fatOffsets[i] = fatOffset + i * fatSectors * sectorSize;
            }
        }
        fat = readFat(fatOffsets[0]);
        for (long c = 2; c < clusterCount + 2; c++) {
            if (value(c) == 0) {
                freeClusters++;
            }
        }
    }

    /** Opens the filesystem on {@code device} (a partition), checking that its boot sector is FAT32. */
    public static Fat32Volume open(BlockDevice device) throws IOException {
        byte[] boot = new byte[512];
        device.read(0, ByteBuffer.wrap(boot));
        return new Fat32Volume(device, boot);
    }

    private int[] readFat(long offset) throws IOException {
        ByteBuffer raw = ByteBuffer.allocate((int) ((clusterCount + 2) * 4)).order(ByteOrder.LITTLE_ENDIAN);
        device.read(offset, raw);
        int[] out = new int[(int) (clusterCount + 2)];
        raw.flip().asIntBuffer().get(out);
        return out;
    }

    /** The volume label from the boot sector. */
    public String label() {
        return label;
    }

    /** Bytes per cluster. */
    public int clusterSize() {
        return clusterSize;
    }

    /** Free space in bytes. */
    public long freeBytes() {
        return freeClusters * clusterSize;
    }

    /** The space a file of {@code size} bytes takes. */
    public long allocatedSize(long size) {
        return (size + clusterSize - 1) / clusterSize * clusterSize;
    }

    // ---- reading ----

    /** The entries of a directory ({@code ""} is the root), without {@code .}, {@code ..} and the volume label. */
    public List<Entry> list(String path) throws IOException {
        Entry dir = path.isEmpty() ? rootEntry() : find(path).orElseThrow(() -> notFound(path));
        if (!dir.directory()) {
            throw new IOException(device.name() + ": " + path + " is not a directory");
        }
        return listing(dir.firstCluster()).entries().stream().map(Located::entry).toList();
    }

    /** The entry at {@code path} ({@code /}-separated, case-insensitive as FAT is), when there is one. */
    public Optional<Entry> find(String path) throws IOException {
        return locate(path).map(Located::entry);
    }

    /** The content of the file at {@code path}. */
    public byte[] readFile(String path) throws IOException {
        Entry file = find(path).orElseThrow(() -> notFound(path));
        if (file.directory()) {
            throw new IOException(device.name() + ": " + path + " is a directory");
        }
        if (file.size() > Integer.MAX_VALUE - 8) {
            throw new IOException(device.name() + ": " + path + " is too large to read into memory");
        }
        byte[] data = new byte[(int) file.size()];
        int done = 0;
        for (long cluster : chain(file.firstCluster())) {
            if (done >= data.length) {
                break;
            }
            int n = Math.min(clusterSize, data.length - done);
            device.read(clusterOffset(cluster), ByteBuffer.wrap(data, done, n));
            done += n;
        }
        if (done < data.length) {
            throw new IOException(device.name() + ": " + path + ": its cluster chain ends after " + done + " of " + data.length
                    + " bytes");
        }
        return data;
    }

    private FileNotFoundException notFound(String path) {
        return new FileNotFoundException(device.name() + ": " + path + ": no such file on the FAT filesystem");
    }

    private Entry rootEntry() {
        return new Entry("", true, rootCluster, 0);
    }

    private Optional<Located> locate(String path) throws IOException {
        String[] parts = path.split("/");
        long cluster = rootCluster;
        Located found = null;
        for (String part : parts) {
            if (found != null && !found.entry().directory()) {
                return Optional.empty();
            }
            found = lookup(listing(cluster), part).orElse(null);
            if (found == null) {
                return Optional.empty();
            }
            cluster = found.entry().firstCluster();
        }
        return Optional.ofNullable(found);
    }

    private static Optional<Located> lookup(Listing listing, String name) {
        String key = name.toUpperCase(Locale.ROOT);
        for (Located l : listing.entries()) {
            if (l.entry().name().toUpperCase(Locale.ROOT).equals(key) || shortName(l.shortName()).equals(key)) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    private Listing listing(long firstCluster) throws IOException {
        List<Long> chain = chain(firstCluster);
        byte[] raw = new byte[chain.size() * clusterSize];
        List<Long> slots = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            long offset = clusterOffset(chain.get(i));
            device.read(offset, ByteBuffer.wrap(raw, i * clusterSize, clusterSize));
            for (int s = 0; s < clusterSize; s += DirectoryEntries.SIZE) {
                slots.add(offset + s);
            }
        }
        List<Located> entries = new ArrayList<>();
        List<Long> orphans = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        StringBuilder longName = new StringBuilder();
        List<Long> lfnSlots = new ArrayList<>();
        int lfnChecksum = -1;
        for (int i = 0; i < slots.size(); i++) {
            int at = i * DirectoryEntries.SIZE;
            int first = raw[at] & 0xff;
            if (first == 0) {
                break;
            }
            int attr = raw[at + 11] & 0xff;
            if (first == DELETED) {
                orphans.addAll(lfnSlots);
                lfnSlots.clear();
                longName.setLength(0);
                continue;
            }
            if (attr == DirectoryEntries.ATTR_LONG_NAME) {
                if ((first & 0x40) != 0 && !lfnSlots.isEmpty()) {
                    orphans.addAll(lfnSlots);
                    lfnSlots.clear();
                    longName.setLength(0);
                }
                lfnChecksum = raw[at + 13] & 0xff;
                StringBuilder part = new StringBuilder();
                for (int off : LFN_OFFSETS) {
                    char c = (char) b.getShort(at + off);
                    if (c == 0) {
                        break;
                    }
                    part.append(c);
                }
                longName.insert(0, part);
                lfnSlots.add(slots.get(i));
                continue;
            }
            byte[] shortName = Arrays.copyOfRange(raw, at, at + 11);
            boolean named = !lfnSlots.isEmpty() && lfnChecksum == DirectoryEntries.checksum(shortName);
            if (!named) {
                orphans.addAll(lfnSlots);
            }
            if ((attr & DirectoryEntries.ATTR_VOLUME_ID) == 0 && first != '.') {
                String name = named ? longName.toString() : shortName(shortName);
                long cluster = ((b.getShort(at + 20) & 0xffffL) << 16) | (b.getShort(at + 26) & 0xffffL);
                entries.add(new Located(new Entry(name, (attr & DirectoryEntries.ATTR_DIRECTORY) != 0, cluster,
                        b.getInt(at + 28) & 0xffffffffL), shortName, slots.get(i), named ? List.copyOf(lfnSlots) : List.of()));
            }
            lfnSlots.clear();
            longName.setLength(0);
        }
        orphans.addAll(lfnSlots);
        return new Listing(firstCluster, chain, slots, raw, entries, orphans);
    }

    private static String shortName(byte[] name) {
        String base = new String(name, 0, 8, StandardCharsets.US_ASCII).stripTrailing();
        String ext = new String(name, 8, 3, StandardCharsets.US_ASCII).stripTrailing();
        return ext.isEmpty() ? base : base + "." + ext;
    }

    /** The clusters of the chain from {@code first}; empty for cluster 0 (an empty file). */
    private List<Long> chain(long first) throws IOException {
        List<Long> out = new ArrayList<>();
        long cluster = first;
        while (cluster >= 2 && cluster < 0x0FFFFFF8L) {
            if (cluster >= clusterCount + 2 || out.size() > clusterCount || cluster == BAD_CLUSTER) {
                throw new IOException(device.name() + ": broken cluster chain at cluster " + cluster);
            }
            out.add(cluster);
            cluster = value(cluster);
        }
        if (cluster != 0 && cluster < 2 && !out.isEmpty()) {
            throw new IOException(device.name() + ": cluster chain from " + first + " runs into a free cluster");
        }
        return out;
    }

    private long value(long cluster) {
        return fat[(int) cluster] & 0x0FFFFFFFL;
    }

    private long clusterOffset(long cluster) {
        return dataOffset + (cluster - 2) * clusterSize;
    }

    // ---- writing ----

    /** Creates the directory at {@code path} and its parents where missing. */
    public void makeDirectories(String path, LocalDateTime time) throws IOException {
        long cluster = rootCluster;
        for (String part : path.split("/")) {
            FatTree.checkName(part, path);
            Listing dir = listing(cluster);
            Optional<Located> found = lookup(dir, part);
            if (found.isPresent()) {
                if (!found.get().entry().directory()) {
                    throw new FileAlreadyExistsException(device.name() + ": " + path, null, part + " is a file, not a directory");
                }
                cluster = found.get().entry().firstCluster();
            } else {
                cluster = addDirectory(dir, part, time);
            }
        }
    }

    /**
     * Writes {@code content} as the file at {@code path}, creating its directories: a new file is added, an existing
     * one replaced so that an interruption leaves the old or the new content. Throws {@link DiskSpaceException} before
     * writing anything when the free space (plus, for a replacement, nothing of the old file's) does not hold it.
     */
    public void writeFile(String path, Blob content, LocalDateTime time, Progress progress) throws IOException {
        checkConsistent();
        int slash = path.lastIndexOf('/');
        String name = FatTree.checkName(path.substring(slash + 1), path);
        long needed = (content.size() + clusterSize - 1) / clusterSize;
        if (content.size() > 0xFFFFFFFFL) {
            throw new DiskSpaceException(path + " is " + content.size() + " bytes; FAT32 files end at 4 GiB - 1");
        }
        if (needed > freeClusters) {
            throw new DiskSpaceException(device.name() + ": " + path + " needs " + needed * clusterSize + " bytes but the FAT "
                    + "filesystem has " + freeBytes() + " free");
        }
        if (slash > 0) {
            makeDirectories(path.substring(0, slash), time);
        }
        long dirCluster = slash > 0 ? locate(path.substring(0, slash)).orElseThrow().entry().firstCluster() : rootCluster;
        Listing dir = listing(dirCluster);
        Optional<Located> existing = lookup(dir, name);
        if (existing.isPresent() && existing.get().entry().directory()) {
            throw new FileAlreadyExistsException(device.name() + ": " + path, null, "is a directory");
        }
        List<Long> clusters = allocate(needed);
        writeContent(clusters, content, progress);
        device.sync();
        linkChain(clusters);
        long first = clusters.isEmpty() ? 0 : clusters.getFirst();
        if (existing.isPresent()) {
            Located old = existing.get();
            // The switch: one directory entry, in one sector, points at the new chain.
            byte[] sector = readSector(old.shortOffset());
            ByteBuffer e = ByteBuffer.wrap(sector).order(ByteOrder.LITTLE_ENDIAN);
            int at = (int) (old.shortOffset() % sectorSize);
            e.putShort(at + 20, (short) (first >>> 16));
            e.putShort(at + 26, (short) first);
            e.putInt(at + 28, (int) content.size());
            e.putShort(at + 22, (short) dosTime(time));
            e.putShort(at + 24, (short) dosDate(time));
            e.putShort(at + 18, (short) dosDate(time));
            writeSector(old.shortOffset(), sector);
            device.sync();
            free(chain(old.entry().firstCluster()));
        } else {
            addEntry(dir, name, DirectoryEntries.ATTR_ARCHIVE, first, content.size(), time);
        }
    }

    /** Deletes the file at {@code path}; does nothing when there is none. */
    public void deleteFile(String path) throws IOException {
        checkConsistent();
        Optional<Located> found = locate(path);
        if (found.isEmpty()) {
            return;
        }
        Located file = found.get();
        if (file.entry().directory()) {
            throw new IOException(device.name() + ": " + path + " is a directory");
        }
        // The short entry first: once it is gone the file is gone; its long-name slots then become free.
        markDeleted(List.of(file.shortOffset()));
        device.sync();
        markDeleted(file.lfnOffsets());
        device.sync();
        free(chain(file.entry().firstCluster()));
    }

    private long addDirectory(Listing parent, String name, LocalDateTime time) throws IOException {
        checkConsistent();
        List<Long> clusters = allocate(1);
        long cluster = clusters.getFirst();
        ByteBuffer content = ByteBuffer.allocate(clusterSize).order(ByteOrder.LITTLE_ENDIAN);
        DirectoryEntries.putShort(content, ".          ".getBytes(StandardCharsets.US_ASCII), DirectoryEntries.ATTR_DIRECTORY,
                cluster, 0, time);
        long parentCluster = parent.firstCluster() == rootCluster ? 0 : parent.firstCluster();
        DirectoryEntries.putShort(content, "..         ".getBytes(StandardCharsets.US_ASCII), DirectoryEntries.ATTR_DIRECTORY,
                parentCluster, 0, time);
        device.write(clusterOffset(cluster), content.clear());
        device.sync();
        linkChain(clusters);
        addEntry(parent, name, DirectoryEntries.ATTR_DIRECTORY, cluster, 0, time);
        return cluster;
    }

    /** Adds the entries of a new file or directory to {@code dir}, growing the directory by a cluster when it is full. */
    private void addEntry(Listing dir, String name, int attributes, long cluster, long size, LocalDateTime time)
            throws IOException {
        Set<String> taken = dir.shortNames();
        byte[] plainName = DirectoryEntries.plainShortName(name);
        boolean plain = plainName != null && !taken.contains(new String(plainName, StandardCharsets.US_ASCII));
        byte[] shortName = plain ? plainName : DirectoryEntries.generatedShortName(name, taken);
        int count = plain ? 1 : 1 + DirectoryEntries.longNameSlots(name);
        ByteBuffer entries = ByteBuffer.allocate(count * DirectoryEntries.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        if (!plain) {
            DirectoryEntries.putLongName(entries, name, shortName);
        }
        DirectoryEntries.putShort(entries, shortName, attributes, cluster, size, time);
        List<Long> slots = freeSlots(dir, count);
        byte[] bytes = entries.array();
        // Long-name slots first and flushed, the short entry (which makes the file exist) last.
        writeSlots(slots.subList(0, count - 1), bytes, 0);
        if (count > 1) {
            device.sync();
        }
        writeSlots(slots.subList(count - 1, count), bytes, (count - 1) * DirectoryEntries.SIZE);
        device.sync();
    }

    /** {@code count} consecutive free slots of {@code dir} (after its last entry), growing it when needed. */
    private List<Long> freeSlots(Listing dir, int count) throws IOException {
        int run = 0;
        int total = dir.slots().size();
        for (int i = 0; i < total; i++) {
            int first = dir.raw()[i * DirectoryEntries.SIZE] & 0xff;
            if (first == 0) {
                // Everything from the end marker on is free.
                if (total - i >= count) {
                    return dir.slots().subList(i, i + count);
                }
                break;
            }
            run = first == DELETED ? run + 1 : 0;
            if (run == count) {
                return dir.slots().subList(i - count + 1, i + 1);
            }
        }
        // Grow: a zeroed cluster is linked at the end of the chain, then the entries go where the free run starts.
        List<Long> grown = allocate(1);
        long cluster = grown.getFirst();
        device.write(clusterOffset(cluster), ByteBuffer.allocate(clusterSize));
        device.sync();
        long last = dir.chain().getLast();
        List<Long> links = new ArrayList<>(grown);
        setValue(cluster, END_OF_CHAIN);
        setValue(last, cluster);
        freeClusters--;
        links.add(last);
        commitFat(links);
        Listing grownDir = listing(dir.firstCluster());
        return freeSlots(grownDir, count);
    }

    private void writeSlots(List<Long> slots, byte[] bytes, int from) throws IOException {
        for (int i = 0; i < slots.size(); i++) {
            long offset = slots.get(i);
            byte[] sector = readSector(offset);
            System.arraycopy(bytes, from + i * DirectoryEntries.SIZE, sector, (int) (offset % sectorSize), DirectoryEntries.SIZE);
            writeSector(offset, sector);
        }
    }

    private void markDeleted(List<Long> slots) throws IOException {
        for (long offset : slots) {
            byte[] sector = readSector(offset);
            sector[(int) (offset % sectorSize)] = (byte) DELETED;
            writeSector(offset, sector);
        }
    }

    private byte[] readSector(long offset) throws IOException {
        byte[] sector = new byte[sectorSize];
        device.read(offset - offset % sectorSize, ByteBuffer.wrap(sector));
        return sector;
    }

    private void writeSector(long offset, byte[] sector) throws IOException {
        device.write(offset - offset % sectorSize, ByteBuffer.wrap(sector));
    }

    private void writeContent(List<Long> clusters, Blob content, Progress progress) throws IOException {
        long size = content.size();
        if (size == 0) {
            return;
        }
        if (content.localFile().isPresent() && contiguous(clusters)) {
            device.writeFile(clusterOffset(clusters.getFirst()), content.localFile().get(), size, progress);
        } else {
            try (InputStream in = content.open()) {
                long done = 0;
                int i = 0;
                while (done < size) {
                    // One write per run of consecutive clusters.
                    int j = i + 1;
                    while (j < clusters.size() && clusters.get(j) == clusters.get(j - 1) + 1) {
                        j++;
                    }
                    long n = Math.min(size - done, (long) (j - i) * clusterSize);
                    device.writeStream(clusterOffset(clusters.get(i)), in, n, false, progress);
                    done += n;
                    i = j;
                }
            }
        }
        int tail = (int) (size % clusterSize);
        if (tail != 0) {
            // The rest of the last cluster is zeroed, so no old bytes linger behind the file.
            device.write(clusterOffset(clusters.getLast()) + tail, ByteBuffer.allocate(clusterSize - tail));
        }
    }

    private static boolean contiguous(List<Long> clusters) {
        return clusters.getLast() - clusters.getFirst() == clusters.size() - 1;
    }

    /** Free clusters, first fit from where the last allocation ended; nothing is marked yet. */
    private List<Long> allocate(long count) throws DiskSpaceException {
        if (count > freeClusters) {
            throw new DiskSpaceException(device.name() + ": the FAT filesystem needs " + count * clusterSize + " bytes, has "
                    + freeBytes() + " free");
        }
        List<Long> out = new ArrayList<>();
        long cluster = nextFree;
        for (long seen = 0; out.size() < count && seen < clusterCount; seen++) {
            if (value(cluster) == 0) {
                out.add(cluster);
            }
            cluster = cluster + 1 >= clusterCount + 2 ? 2 : cluster + 1;
        }
        return out;
    }

    /** Marks a new chain in the FATs (first, then the mirrors) and flushes. */
    private void linkChain(List<Long> clusters) throws IOException {
        if (clusters.isEmpty()) {
            return;
        }
        for (int i = 0; i < clusters.size(); i++) {
            setValue(clusters.get(i), i == clusters.size() - 1 ? END_OF_CHAIN : clusters.get(i + 1));
        }
        freeClusters -= clusters.size();
        nextFree = clusters.getLast() + 1 >= clusterCount + 2 ? 2 : clusters.getLast() + 1;
        commitFat(clusters);
    }

    private void free(List<Long> clusters) throws IOException {
        if (clusters.isEmpty()) {
            return;
        }
        for (long c : clusters) {
            setValue(c, 0);
        }
        freeClusters += clusters.size();
        commitFat(clusters);
    }

    private void setValue(long cluster, long value) {
        fat[(int) cluster] = (fat[(int) cluster] & 0xF0000000) | (int) value;
    }

    /**
     * Writes the FAT sectors holding {@code clusters}: every one into the first FAT, then into each mirror, then the
     * FSInfo free count, and flushes. The first FAT is what readers use; a mirror is a copy for repair tools.
     */
    private void commitFat(List<Long> clusters) throws IOException {
        TreeSet<Long> sectors = new TreeSet<>();
        for (long c : clusters) {
            sectors.add(c * 4 / sectorSize);
        }
        for (long fatOffset : fatOffsets) {
            writeFatSectors(fatOffset, sectors);
        }
        writeFsInfo();
        device.sync();
    }

    private void writeFatSectors(long fatOffset, TreeSet<Long> sectors) throws IOException {
        long runStart = -1;
        long previous = -2;
        for (long s : sectors) {
            if (s != previous + 1) {
                if (runStart >= 0) {
                    writeFatRange(fatOffset, runStart, previous);
                }
                runStart = s;
            }
            previous = s;
        }
        if (runStart >= 0) {
            writeFatRange(fatOffset, runStart, previous);
        }
    }

    private void writeFatRange(long fatOffset, long firstSector, long lastSector) throws IOException {
        int perSector = sectorSize / 4;
        ByteBuffer out = ByteBuffer.allocate((int) ((lastSector - firstSector + 1) * sectorSize)).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = firstSector * perSector; i < (lastSector + 1) * perSector; i++) {
            // Past the last cluster the FAT sector keeps whatever the filesystem has (zeros).
            out.putInt(i < fat.length ? fat[(int) i] : 0);
        }
        device.write(fatOffset + firstSector * sectorSize, out.flip());
    }

    private void writeFsInfo() throws IOException {
        if (fsInfoSector == 0 || fsInfoSector == 0xFFFF) {
            return;
        }
        long offset = (long) fsInfoSector * sectorSize;
        byte[] sector = readSector(offset);
        ByteBuffer b = ByteBuffer.wrap(sector).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != 0x41615252 || b.getInt(484) != 0x61417272) {
            return;
        }
        b.putInt(488, (int) freeClusters);
        b.putInt(492, (int) nextFree);
        writeSector(offset, sector);
    }

    /**
     * Before the first change: clusters that no file owns (left by an interrupted change) are freed, long names whose
     * short entry never got written are deleted, and mirrors that lag behind the first FAT are brought level.
     */
    private void checkConsistent() throws IOException {
        if (checked) {
            return;
        }
        BitSet owned = new BitSet();
        List<Long> orphanSlots = new ArrayList<>();
        walk(rootCluster, owned, orphanSlots, 0);
        List<Long> lost = new ArrayList<>();
        for (long c = 2; c < clusterCount + 2; c++) {
            long v = value(c);
            if (v != 0 && v != BAD_CLUSTER && !owned.get((int) c)) {
                lost.add(c);
            }
        }
        if (!orphanSlots.isEmpty()) {
            markDeleted(orphanSlots);
            device.sync();
        }
        checked = true;
        if (!lost.isEmpty()) {
            for (long c : lost) {
                setValue(c, 0);
            }
            freeClusters += lost.size();
        }
        boolean mirrorsDiffer = false;
        for (int i = 1; i < fatOffsets.length && !mirrorsDiffer; i++) {
            mirrorsDiffer = !Arrays.equals(readFat(fatOffsets[i]), fat);
        }
        if (!lost.isEmpty() || mirrorsDiffer) {
            List<Long> all = new ArrayList<>();
            for (long c = 0; c < fat.length; c++) {
                all.add(c);
            }
            commitFat(all);
        } else if (fsInfoFree() != freeClusters) {
            writeFsInfo();
            device.sync();
        }
    }

    private long fsInfoFree() throws IOException {
        if (fsInfoSector == 0 || fsInfoSector == 0xFFFF) {
            return freeClusters;
        }
        ByteBuffer b = ByteBuffer.wrap(readSector((long) fsInfoSector * sectorSize)).order(ByteOrder.LITTLE_ENDIAN);
        return b.getInt(488) & 0xffffffffL;
    }

    private void walk(long dirCluster, BitSet owned, List<Long> orphanSlots, int depth) throws IOException {
        if (depth > 64) {
            throw new IOException(device.name() + ": directories nested deeper than 64 levels (a loop?)");
        }
        Listing dir = listing(dirCluster);
        for (long c : dir.chain()) {
            owned.set((int) c);
        }
        orphanSlots.addAll(dir.orphanLfnSlots());
        for (Located l : dir.entries()) {
            if (l.entry().directory()) {
                walk(l.entry().firstCluster(), owned, orphanSlots, depth + 1);
            } else {
                for (long c : chain(l.entry().firstCluster())) {
                    owned.set((int) c);
                }
            }
        }
    }

    private static int dosTime(LocalDateTime t) {
        return t.getHour() << 11 | t.getMinute() << 5 | t.getSecond() / 2;
    }

    private static int dosDate(LocalDateTime t) {
        return (t.getYear() - 1980) << 9 | t.getMonthValue() << 5 | t.getDayOfMonth();
    }
}
