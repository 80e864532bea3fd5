package dev.osimg.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** {@code --digestfile FILE}: the manifest digest written to a file, as skopeo does. */
final class DigestFile {
    private DigestFile() {
    }

    /** Writes the digest (no newline, like skopeo) to a temporary sibling, then renames it into place. */
    static void write(Path file, String digest) throws IOException {
        if (file == null) {
            return;
        }
        Path parent = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(parent)) {
            throw new IllegalArgumentException("--digestfile " + file + ": the directory " + parent + " does not exist");
        }
        Path tmp = Files.createTempFile(parent, "." + file.getFileName() + ".", ".tmp");
        try {
            Files.writeString(tmp, digest, StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
