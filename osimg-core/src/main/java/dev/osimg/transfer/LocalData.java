package dev.osimg.transfer;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/** Bytes on this machine that chunks can be taken from: a file, a partition, an A/B slot. */
public interface LocalData {
    /** What it is, for messages. */
    String name();

    /** Fills {@code target} with the bytes at {@code offset}; reading past the end is an error. */
    void read(long offset, ByteBuffer target) throws IOException;

    /** The plain file these bytes are, when they are one, so that chunks can be {@code copy_file_range}d. */
    default Optional<Path> file() {
        return Optional.empty();
    }

    /** A file (or a block device node) as local data. */
    static LocalData of(Path path) {
        return new LocalData() {
            @Override
            public String name() {
                return path.toString();
            }

            @Override
            public void read(long offset, ByteBuffer target) throws IOException {
                try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                    long at = offset;
                    while (target.hasRemaining()) {
                        int n = channel.read(target, at);
                        if (n < 0) {
                            throw new EOFException(path + " ended at byte " + at + " while reading a local chunk");
                        }
                        at += n;
                    }
                }
            }

            @Override
            public Optional<Path> file() {
                return java.nio.file.Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
            }
        };
    }
}
