package dev.osimg.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.Optional;

/** A whole local file as a blob; its size is taken when the blob is created. */
public record FileBlob(Path path, long size) implements Blob {

    /** A blob of the file as it is now. */
    public static FileBlob of(Path path) throws IOException {
        return new FileBlob(path, Files.size(path));
    }

    @Override
    public InputStream open() throws IOException {
        return new ExactLengthInputStream(Files.newInputStream(path), size, path.toString());
    }

    /** The file's channel; readers that know the size check it (see {@link ChunkPipeline}). */
    @Override
    public ReadableByteChannel openChannel() throws IOException {
        return FileChannel.open(path, StandardOpenOption.READ);
    }

    @Override
    public InputStream openRange(long offset, long length) throws IOException {
        Blob.checkRange(offset, length, size);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ).position(offset);
        return new ExactLengthInputStream(new BoundedInputStream(java.nio.channels.Channels.newInputStream(channel), length),
                length, path + " bytes " + offset + "+" + length);
    }

    @Override
    public Optional<Path> localFile() {
        return Optional.of(path);
    }
}
