package dev.osimg.disk;

import dev.osimg.linux.Libc;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A Linux block device (a disk, a loop device): size, block size, discard, zeroing and partition re-read by ioctl. */
public final class LinuxBlockDevice extends ChannelBlockDevice {
    private final int fd;
    private final long size;
    private final int blockSize;

    private LinuxBlockDevice(Path path, FileChannel channel, int fd, long size, int blockSize) {
        super(path, channel);
        this.fd = fd;
        this.size = size;
        this.blockSize = blockSize;
    }

    /**
     * Opens a block device for writing. With {@code exclusive}, the kernel refuses (EBUSY) while the device or
     * one of its partitions is mounted or held by another driver, and keeps others out while it is open.
     */
    public static LinuxBlockDevice open(Path path, boolean exclusive) throws IOException {
        return open(path, exclusive, true);
    }

    /** Opens a block device for reading only (status of a disk in use), or for writing as {@link #open(Path, boolean)}. */
    public static LinuxBlockDevice open(Path path, boolean exclusive, boolean writable) throws IOException {
        int fd;
        try {
            fd = Libc.open(path, (writable ? Libc.O_RDWR : Libc.O_RDONLY) | Libc.O_CLOEXEC | (exclusive ? Libc.O_EXCL : 0), 0);
        } catch (IOException e) {
            if (exclusive && e.getMessage().endsWith("(errno " + Libc.EBUSY + ")")) {
                throw new DeviceInUseException(path + " cannot be opened exclusively (" + e.getMessage()
                        + "); it or one of its partitions is in use. Unmount it, or pass --force", e);
            }
            throw e;
        }
        try {
            long size = Libc.ioctlReadLong(fd, Libc.BLKGETSIZE64, "BLKGETSIZE64 on " + path);
            int blockSize = Libc.ioctlReadInt(fd, Libc.BLKSSZGET, "BLKSSZGET on " + path);
            FileChannel channel = writable ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
                    : FileChannel.open(path, StandardOpenOption.READ);
            return new LinuxBlockDevice(path, channel, fd, size, blockSize);
        } catch (IOException | RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
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
    public boolean discard(long offset, long length) {
        BlockDevice.checkRange(name(), size, offset, length);
        return length == 0 || Libc.ioctlRange(fd, Libc.BLKDISCARD, offset, length) == 0;
    }

    @Override
    public void zero(long offset, long length) throws IOException {
        BlockDevice.checkRange(name(), size, offset, length);
        if (length == 0) {
            return;
        }
        int errno = Libc.ioctlRange(fd, Libc.BLKZEROOUT, offset, length);
        if (errno != 0) {
            // Some drivers cannot zero by command (ranges not block aligned, old kernels): write the zeros.
            ByteBuffer zeros = ByteBuffer.allocateDirect(BUFFER_SIZE);
            long done = 0;
            while (done < length) {
                zeros.clear().limit((int) Math.min(BUFFER_SIZE, length - done));
                write(offset + done, zeros);
                done += zeros.limit();
            }
        }
    }

    @Override
    public boolean zeroIsCheap() {
        return false;
    }

    /** Asks the kernel to re-read the partition table; returns false when it could not (a partition is busy). */
    public boolean rereadPartitions() {
        return Libc.ioctl(fd, Libc.BLKRRPART, 0) == 0;
    }

    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            Libc.close(fd);
        }
    }
}
