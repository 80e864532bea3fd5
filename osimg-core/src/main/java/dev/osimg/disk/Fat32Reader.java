package dev.osimg.disk;

import java.io.IOException;
import java.util.List;

/** Reads files back from a FAT32 filesystem (long names included), for checks: the read-only side of {@link Fat32Volume}. */
public final class Fat32Reader {
    /** A directory entry: long (or short) name, whether a directory, first cluster and size. */
    public record Entry(String name, boolean directory, long firstCluster, long size) {
    }

    private final Fat32Volume volume;

    private Fat32Reader(Fat32Volume volume) {
        this.volume = volume;
    }

    /** Opens the filesystem on {@code device}, checking that its boot sector is FAT32. */
    public static Fat32Reader open(BlockDevice device) throws IOException {
        return new Fat32Reader(Fat32Volume.open(device));
    }

    /** The volume label from the boot sector. */
    public String label() {
        return volume.label();
    }

    /** The entries of a directory ({@code ""} is the root), without {@code .}, {@code ..} and the volume label. */
    public List<Entry> list(String path) throws IOException {
        return volume.list(path).stream().map(e -> new Entry(e.name(), e.directory(), e.firstCluster(), e.size())).toList();
    }

    /** The content of the file at {@code path} ({@code /}-separated, case-insensitive as FAT is). */
    public byte[] readFile(String path) throws IOException {
        return volume.readFile(path);
    }
}
