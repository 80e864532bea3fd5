package dev.osimg.disk;

import dev.osimg.blob.Progress;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/** What image files and block devices share: positional I/O through a {@link FileChannel}. */
abstract sealed class ChannelBlockDevice implements BlockDevice permits ImageFileDevice, LinuxBlockDevice {
    /** Size of the buffers payloads are streamed through. */
    static final int BUFFER_SIZE = 1 << 20;
    /** The granularity at which zero runs are detected (a filesystem block). */
    private static final int ZERO_GRANULE = 4096;
    private static final byte[] ZEROS = new byte[ZERO_GRANULE];

    protected final Path path;
    protected final FileChannel channel;

    ChannelBlockDevice(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    @Override
    public String name() {
        return path.toString();
    }

    @Override
    public void write(long offset, ByteBuffer data) throws IOException {
        BlockDevice.checkRange(name(), size(), offset, data.remaining());
        long position = offset;
        while (data.hasRemaining()) {
            position += channel.write(data, position);
        }
    }

    @Override
    public void read(long offset, ByteBuffer target) throws IOException {
        BlockDevice.checkRange(name(), size(), offset, target.remaining());
        long position = offset;
        while (target.hasRemaining()) {
            int n = channel.read(target, position);
            if (n < 0) {
                throw new EOFException(name() + ": unexpected end at byte " + position);
            }
            position += n;
        }
    }

    @Override
    public void writeStream(long offset, InputStream in, long length, boolean skipZeros, Progress progress) throws IOException {
        BlockDevice.checkRange(name(), size(), offset, length);
        ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_SIZE);
        byte[] heap = new byte[BUFFER_SIZE];
        long done = 0;
        while (done < length) {
            int want = (int) Math.min(BUFFER_SIZE, length - done);
            int filled = in.readNBytes(heap, 0, want);
            if (filled < want) {
                throw new EOFException(name() + ": the source ended after " + (done + filled) + " of " + length + " bytes");
            }
            if (skipZeros) {
                writeNonZero(offset + done, heap, filled, buffer);
            } else {
                buffer.clear().put(heap, 0, filled).flip();
                write(offset + done, buffer);
            }
            done += filled;
            progress.advance(filled);
        }
    }

    /** Writes the runs of {@code data} that are not all zero, leaving the rest as it is (a hole). */
    private void writeNonZero(long offset, byte[] data, int length, ByteBuffer buffer) throws IOException {
        int runStart = -1;
        for (int at = 0; at < length; at += ZERO_GRANULE) {
            int end = Math.min(length, at + ZERO_GRANULE);
            boolean zero = isZero(data, at, end);
            if (!zero && runStart < 0) {
                runStart = at;
            } else if (zero && runStart >= 0) {
                buffer.clear().put(data, runStart, at - runStart).flip();
                write(offset + runStart, buffer);
                runStart = -1;
            }
        }
        if (runStart >= 0) {
            buffer.clear().put(data, runStart, length - runStart).flip();
            write(offset + runStart, buffer);
        }
    }

    private static boolean isZero(byte[] data, int from, int to) {
        return Arrays.mismatch(data, from, to, ZEROS, 0, to - from) < 0;
    }

    @Override
    public void writeFile(long offset, Path file, long length, Progress progress) throws IOException {
        BlockDevice.checkRange(name(), size(), offset, length);
        try (FileChannel source = FileChannel.open(file, StandardOpenOption.READ)) {
            if (source.size() < length) {
                throw new EOFException(file + " holds " + source.size() + " bytes, " + length + " expected");
            }
            long done = 0;
            while (done < length) {
                // FileChannel.transferTo between two files is copy_file_range(2): a reflink where the filesystem can.
                long n = source.transferTo(done, Math.min(length - done, 1L << 30), channel.position(offset + done));
                if (n <= 0) {
                    throw new EOFException(file + ": copy stopped after " + done + " of " + length + " bytes");
                }
                done += n;
                progress.advance(n);
            }
        }
    }

    @Override
    public void sync() throws IOException {
        channel.force(true);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
