package dev.osimg.linux;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An exclusive {@code flock(2)} on a file or directory that is never replaced (a layout's {@code oci-layout}, the
 * directory of a logins file), held while a file beside it is read, merged and replaced, so that concurrent writers
 * (processes or threads) never lose each other's changes.
 *
 * <p>flock locks belong to one open file, so two threads of one process exclude each other as two processes do, and
 * closing another descriptor of the file (a reader) does not release it. The kernel drops the lock when its owner dies.
 */
public final class FileLock implements AutoCloseable {
    private final int fd;

    private FileLock(int fd) {
        this.fd = fd;
    }

    /** Waits for and takes the lock of {@code path}, an existing file or directory. */
    public static FileLock acquire(Path path) throws IOException {
        int fd = Libc.open(path, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        try {
            int errno;
            do {
                errno = Libc.flock(fd, Libc.LOCK_EX);
            } while (errno == Libc.EINTR);
            if (errno != 0) {
                throw Libc.failure("locking " + path, errno);
            }
            return new FileLock(fd);
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
