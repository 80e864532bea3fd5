package dev.osimg.disk;

import dev.osimg.blob.Progress;
import dev.osimg.linux.Libc;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A disk image file: created sparse at a given size, zero ranges punched as holes. */
public final class ImageFileDevice extends ChannelBlockDevice {
    private final long size;
    private final int blockSize;
    /** True while the file is as {@link #create} left it: all hole, so zeroing it needs no system call. */
    private boolean pristine;

    private ImageFileDevice(Path path, FileChannel channel, long size, int blockSize, boolean pristine) {
        super(path, channel);
        this.size = size;
        this.blockSize = blockSize;
        this.pristine = pristine;
    }

    /** Creates a new, sparse image file of {@code size} bytes; {@code path} must not exist. */
    public static ImageFileDevice create(Path path, long size, int blockSize) throws IOException {
        if (size <= 0 || size % blockSize != 0) {
            throw new IllegalArgumentException(path + ": a disk size of " + size + " bytes is not a positive multiple of "
                    + blockSize);
        }
        Files.createFile(path);
        RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw");
        try {
            // ftruncate upwards: the file takes no space until written.
            file.setLength(size);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
        FileChannel channel = file.getChannel();
        return new ImageFileDevice(path, channel, size, blockSize, true);
    }

    /** Opens an existing image file for reading and writing, at its current size. */
    public static ImageFileDevice open(Path path, int blockSize, boolean writable) throws IOException {
        FileChannel channel = writable
                ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(path, StandardOpenOption.READ);
        long size = channel.size();
        return new ImageFileDevice(path, channel, size - size % blockSize, blockSize, false);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public boolean discard(long offset, long length) throws IOException {
        zero(offset, length);
        return true;
    }

    @Override
    public void zero(long offset, long length) throws IOException {
        BlockDevice.checkRange(name(), size, offset, length);
        if (length == 0 || pristine) {
            return;
        }
        int fd = Libc.open(path, Libc.O_WRONLY | Libc.O_CLOEXEC, 0);
        try {
            int errno = Libc.fallocate(fd, Libc.FALLOC_FL_PUNCH_HOLE | Libc.FALLOC_FL_KEEP_SIZE, offset, length);
            if (errno == Libc.EOPNOTSUPP) {
                writeZeros(offset, length);
            } else if (errno != 0) {
                throw Libc.failure("punching a hole into " + path + " at " + offset + "+" + length, errno);
            }
        } finally {
            Libc.close(fd);
        }
    }

    private void writeZeros(long offset, long length) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocateDirect(BUFFER_SIZE);
        long done = 0;
        while (done < length) {
            zeros.clear().limit((int) Math.min(BUFFER_SIZE, length - done));
            write(offset + done, zeros);
            done += zeros.limit();
        }
    }

    @Override
    public void write(long offset, ByteBuffer data) throws IOException {
        pristine = false;
        super.write(offset, data);
    }

    @Override
    public void writeFile(long offset, Path file, long length, Progress progress) throws IOException {
        pristine = false;
        super.writeFile(offset, file, length, progress);
    }

    @Override
    public boolean zeroIsCheap() {
        return true;
    }
}
