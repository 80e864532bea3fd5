package dev.osimg.testing;

import dev.osimg.blob.Progress;
import dev.osimg.disk.BlockDevice;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A block device that loses power after a given number of writes: the writes before the cut reach the device in full,
 * the cut write and everything after it never do (each write throws {@link PowerCut}). Counting with no cut tells how
 * many writes an operation makes, so a test can cut it at every point.
 */
public final class PowerCutDevice implements BlockDevice {
    /** Thrown by the write that the power cut stops. */
    public static final class PowerCut extends IOException {
        PowerCut(long write) {
            super("power cut at write " + write);
        }
    }

    private final BlockDevice device;
    private final long cutAt;
    private long writes;

    /** Passes {@code cutAt} writes to {@code device}, then cuts (negative: never). */
    public PowerCutDevice(BlockDevice device, long cutAt) {
        this.device = device;
        this.cutAt = cutAt;
    }

    /** The writes made (or attempted) so far. */
    public long writes() {
        return writes;
    }

    private void write() throws PowerCut {
        if (cutAt >= 0 && writes >= cutAt) {
            throw new PowerCut(writes);
        }
        writes++;
    }

    @Override
    public long size() {
        return device.size();
    }

    @Override
    public int blockSize() {
        return device.blockSize();
    }

    @Override
    public void write(long offset, ByteBuffer data) throws IOException {
        write();
        device.write(offset, data);
    }

    @Override
    public void read(long offset, ByteBuffer target) throws IOException {
        device.read(offset, target);
    }

    @Override
    public void writeStream(long offset, InputStream in, long length, boolean skipZeros, Progress progress) throws IOException {
        write();
        device.writeStream(offset, in, length, skipZeros, progress);
    }

    @Override
    public void writeFile(long offset, Path file, long length, Progress progress) throws IOException {
        write();
        device.writeFile(offset, file, length, progress);
    }

    @Override
    public boolean discard(long offset, long length) throws IOException {
        write();
        return device.discard(offset, length);
    }

    @Override
    public void zero(long offset, long length) throws IOException {
        write();
        device.zero(offset, length);
    }

    @Override
    public boolean zeroIsCheap() {
        return device.zeroIsCheap();
    }

    @Override
    public void sync() throws IOException {
        write();
        device.sync();
    }

    @Override
    public String name() {
        return device.name();
    }

    @Override
    public void close() throws IOException {
        device.close();
    }
}
