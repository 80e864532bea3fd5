package dev.osimg.oci;

import dev.osimg.linux.Libc;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An exclusive lock on a layout directory, held while its {@code index.json} is read, merged and
 * replaced, so that concurrent writers (processes or threads) never lose each other's entries.
 *
 * <p>It is a {@code flock(2)} on the layout's {@code oci-layout} file, which is never replaced:
 * flock locks belong to one open file, so two threads of one process exclude each other as two
 * processes do, and closing another descriptor of the file (a reader) does not release it.
 */
final class LayoutLock implements AutoCloseable {
    private final int fd;

    private LayoutLock(int fd) {
        this.fd = fd;
    }

    /** Waits for and takes the lock of the layout {@code dir}. */
    static LayoutLock acquire(Path dir) throws IOException {
        Path file = dir.resolve("oci-layout");
        int fd = Libc.open(file, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        try {
            int errno;
            do {
                errno = Libc.flock(fd, Libc.LOCK_EX);
            } while (errno == Libc.EINTR);
            if (errno != 0) {
                throw Libc.failure("locking " + file, errno);
            }
            return new LayoutLock(fd);
        } catch (IOException | RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        Libc.close(fd);
    }
}
