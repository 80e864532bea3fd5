package dev.osimg.linux;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Clones a file with the {@code FICLONE} ioctl, so that on XFS and btrfs a copy of any size
 * takes milliseconds and no space; tells the caller when the filesystem cannot.
 */
public final class FileCloner {
    private FileCloner() {
    }

    /**
     * Creates {@code target} (which must not exist) as a clone of {@code source}.
     *
     * @return true if cloned; false if the filesystem cannot clone (then {@code target} does not exist)
     */
    public static boolean tryClone(Path source, Path target) throws IOException {
        int src = Libc.open(source, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        try {
            int dst = Libc.open(target, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_CLOEXEC, 0644);
            int errno;
            try {
                errno = Libc.ioctl(dst, Libc.FICLONE, src);
            } finally {
                Libc.close(dst);
            }
            if (errno != 0) {
                java.nio.file.Files.deleteIfExists(target);
                return false;
            }
            return true;
        } finally {
            Libc.close(src);
        }
    }
}
