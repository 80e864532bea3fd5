package dev.osimg.disk;

import dev.osimg.blob.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** A window of another block device (a partition), so writers cannot stray outside it; closing it leaves the device open. */
public final class DeviceSection implements BlockDevice {
    private final BlockDevice device;
    private final long start;
    private final long length;

    /** A section of {@code length} bytes from {@code start}. */
    public DeviceSection(BlockDevice device, long start, long length) {
        BlockDevice.checkRange(device.name(), device.size(), start, length);
        this.device = device;
        this.start = start;
        this.length = length;
    }

    /** The offset of this section on the underlying device. */
    public long start() {
        return start;
    }

    @Override
    public long size() {
        return length;
    }

    @Override
    public int blockSize() {
        return device.blockSize();
    }

    @Override
    public void write(long offset, ByteBuffer data) throws IOException {
        check(offset, data.remaining());
        device.write(start + offset, data);
    }

    @Override
    public void read(long offset, ByteBuffer target) throws IOException {
        check(offset, target.remaining());
        device.read(start + offset, target);
    }

    @Override
    public void writeStream(long offset, InputStream in, long length, boolean skipZeros, Progress progress) throws IOException {
        check(offset, length);
        device.writeStream(start + offset, in, length, skipZeros, progress);
    }

    @Override
    public void writeFile(long offset, Path file, long length, Progress progress) throws IOException {
        check(offset, length);
        device.writeFile(start + offset, file, length, progress);
    }

    @Override
    public boolean discard(long offset, long length) throws IOException {
        check(offset, length);
        return device.discard(start + offset, length);
    }

    @Override
    public void zero(long offset, long length) throws IOException {
        check(offset, length);
        device.zero(start + offset, length);
    }

    @Override
    public boolean zeroIsCheap() {
        return device.zeroIsCheap();
    }

    @Override
    public void sync() throws IOException {
        device.sync();
    }

    @Override
    public String name() {
        return device.name() + "@" + start;
    }

    @Override
    public void close() {
    }

    private void check(long offset, long count) {
        BlockDevice.checkRange(name(), length, offset, count);
    }
}
