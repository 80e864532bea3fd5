package dev.osimg.ab;

import dev.osimg.blob.Blob;
import dev.osimg.blob.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The files of a mounted ESP, written through its mount point so that the kernel's view of the filesystem stays
 * right: a new file is written beside the old one, flushed, renamed over it, and the directory flushed.
 */
final class MountedEspFiles implements EspFiles {
    /** Free space read from the filesystem itself, for mounts that do not report it. */
    interface FreeSpace {
        /** The free bytes. */
        long bytes() throws IOException;
    }

    private final Path root;
    private final FreeSpace unreported;

    MountedEspFiles(Path root, FreeSpace unreported) {
        this.root = root;
        this.unreported = unreported;
    }

    /** The path of an ESP file; FAT ignores case, and so does the mounted view, so the path is used as given. */
    private Path resolve(String path) {
        return root.resolve(path);
    }

    @Override
    public Optional<byte[]> read(String path) throws IOException {
        Path p = resolve(path);
        return Files.isRegularFile(p) ? Optional.of(Files.readAllBytes(p)) : Optional.empty();
    }

    @Override
    public OptionalLong size(String path) throws IOException {
        Path p = resolve(path);
        return Files.isRegularFile(p) ? OptionalLong.of(Files.size(p)) : OptionalLong.empty();
    }

    @Override
    public void write(String path, Blob content, Progress progress) throws IOException {
        Path target = resolve(path);
        Path dir = Files.createDirectories(target.getParent());
        Path temp = dir.resolve("." + target.getFileName() + ".osimg-new");
        boolean done = false;
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE); InputStream in = content.open()) {
                OutputStream stream = Channels.newOutputStream(out);
                byte[] buffer = new byte[1 << 16];
                long left = content.size();
                while (left > 0) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                    if (n < 0) {
                        throw new IOException(path + ": the content ended " + left + " bytes early");
                    }
                    stream.write(buffer, 0, n);
                    left -= n;
                    progress.advance(n);
                }
                out.force(true);
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            done = true;
            syncDirectory(dir);
        } finally {
            if (!done) {
                Files.deleteIfExists(temp);
            }
        }
    }

    @Override
    public void delete(String path) throws IOException {
        Path p = resolve(path);
        if (Files.deleteIfExists(p)) {
            syncDirectory(p.getParent());
        }
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    @Override
    public long freeBytes() throws IOException {
        FileStore store = Files.getFileStore(root);
        // Some FUSE FAT drivers report a filesystem of 0 blocks: then the FAT itself says what is free.
        return store.getTotalSpace() == 0 ? unreported.bytes() : store.getUsableSpace();
    }

    @Override
    public long allocatedSize(long size) throws IOException {
        FileStore store = Files.getFileStore(root);
        long block = store.getBlockSize();
        return (size + block - 1) / block * block;
    }

    @Override
    public String where() {
        return root.toString();
    }
}
