package dev.osimg.linux;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Renames that never replace what is at the target: {@code rename(2)} replaces silently, and
 * {@code Files.move} only checks before it renames, so a file that appears in between is lost.
 */
public final class Renames {
    private Renames() {
    }

    /**
     * Renames {@code from} to {@code to} atomically, failing with {@link FileAlreadyExistsException}
     * when {@code to} exists (however recently it appeared); both must be on one filesystem.
     */
    public static void moveNoReplace(Path from, Path to) throws IOException {
        int errno = Libc.renameat2(from, to, Libc.RENAME_NOREPLACE);
        if (errno == 0) {
            return;
        }
        if (errno == Libc.EEXIST) {
            throw new FileAlreadyExistsException(to.toString());
        }
        if (errno != Libc.EINVAL && errno != Libc.ENOSYS) {
            throw Libc.failure("renaming " + from + " to " + to, errno);
        }
        // Filesystems without RENAME_NOREPLACE (some network ones): a hard link fails on an existing
        // target just as atomically. Directories cannot be linked; rename(2) still refuses to
        // replace a non-empty directory, which is all a directory target can hold that matters.
        if (Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.exists(to, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(to.toString());
            }
            Files.move(from, to, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        Files.createLink(to, from);
        Files.delete(from);
    }
}
