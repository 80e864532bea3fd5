package dev.osimg.cli;

import dev.osimg.linux.TemporaryFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** {@code --digestfile FILE}: the manifest digest written to a file, as skopeo does. */
final class DigestFile {
    private DigestFile() {
    }

    /** Refuses a FILE whose directory is missing: checked before the command does anything, not after. */
    static void check(Path file) {
        if (file == null) {
            return;
        }
        Path parent = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(parent)) {
            throw new IllegalArgumentException("--digestfile " + file + ": the directory " + parent + " does not exist");
        }
    }

    /**
     * Writes the digest (no newline, like skopeo) to a temporary sibling, then renames it into place; the file gets
     * the default permissions (the umask applies), and a temporary a killed run left there is removed.
     */
    static void write(Path file, String digest) throws IOException {
        if (file == null) {
            return;
        }
        check(file);
        Path parent = file.toAbsolutePath().getParent();
        TemporaryFiles.sweep(parent);
        Path tmp = TemporaryFiles.createFile(parent, file.getFileName().toString());
        try {
            Files.writeString(tmp, digest, StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            TemporaryFiles.delete(tmp);
        }
    }
}
