package dev.osimg.linux;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * Clones a file with the {@code FICLONE} ioctl, so that on XFS and btrfs a copy of any size
 * takes milliseconds and no space; tells the caller when the filesystem cannot.
 */
public final class FileCloner {
    /** Filesystem types (as in /proc/mounts) that have no shared extents, so FICLONE always fails. */
    private static final Set<String> NEVER_CLONES = Set.of("ext2", "ext3", "ext4", "tmpfs", "ramfs", "vfat", "msdos",
            "exfat", "f2fs");

    private FileCloner() {
    }

    /**
     * Creates {@code target} (which must not exist) as a clone of {@code source}.
     *
     * @return true if cloned; false if the filesystem cannot clone (then {@code target} does not exist)
     */
    public static boolean tryClone(Path source, Path target) throws IOException {
        return cloneOrCreate(source, target, -1);
    }

    /**
     * Creates {@code target} (which must not exist) as a clone of {@code source} where the filesystem
     * can clone; else creates it, with {@code size} bytes allocated where a clone was tried, ready to
     * be copied into (a copy into allocated blocks costs less kernel time than one that allocates
     * block by block as it grows). On a filesystem that never clones (ext4, tmpfs, ...) nothing is
     * tried: the file is created empty without a native call, because linking the native calls
     * costs the command more start-up time than allocating saves (docs/benchmarks.md).
     *
     * @return true if cloned; false if {@code target} is to be copied into
     */
    public static boolean cloneOrAllocate(Path source, Path target, long size) throws IOException {
        if (NEVER_CLONES.contains(Files.getFileStore(target.toAbsolutePath().getParent()).type())) {
            Files.createFile(target);
            return false;
        }
        return cloneOrCreate(source, target, size);
    }

    /** Clones; if that fails, allocates {@code allocate} bytes, or deletes the target when {@code allocate} is negative. */
    static boolean cloneOrCreate(Path source, Path target, long allocate) throws IOException {
        int src = Libc.open(source, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        try {
            int dst = Libc.open(target, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_CLOEXEC, 0644);
            boolean cloned;
            try {
                cloned = Libc.ioctl(dst, Libc.FICLONE, src) == 0;
                if (!cloned && allocate > 0) {
                    // Only an optimization: where it fails (no support, no space), the copy that
                    // follows grows the file as usual and reports a real shortage of space itself.
                    Libc.fallocate(dst, 0, 0, allocate);
                }
            } finally {
                Libc.close(dst);
            }
            if (!cloned && allocate < 0) {
                java.nio.file.Files.deleteIfExists(target);
            }
            return cloned;
        } finally {
            Libc.close(src);
        }
    }

    /**
     * Creates {@code target} (which must not exist) as a copy of {@code source} that costs no more space than the
     * source: a clone where the filesystem can, else only the source's data extents are copied (with
     * {@code copy_file_range}) and its holes stay holes.
     */
    public static void cloneOrCopySparse(Path source, Path target) throws IOException {
        if (tryClone(source, target)) {
            return;
        }
        Files.createFile(target);
        int fd = Libc.open(source, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
             RandomAccessFile file = new RandomAccessFile(target.toFile(), "rw")) {
            long size = in.size();
            file.setLength(size);
            FileChannel out = file.getChannel();
            for (long data = Libc.lseek(fd, 0, Libc.SEEK_DATA); data >= 0 && data < size;
                 data = Libc.lseek(fd, data, Libc.SEEK_DATA)) {
                long hole = Libc.lseek(fd, data, Libc.SEEK_HOLE);
                long end = hole < 0 ? size : Math.min(hole, size);
                while (data < end) {
                    data += in.transferTo(data, end - data, out.position(data));
                }
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(target);
            throw e;
        } finally {
            Libc.close(fd);
        }
    }
}
