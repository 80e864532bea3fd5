package dev.osimg.disk;

import dev.osimg.blob.Progress;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** A disk to install onto (an image file, a Linux block device, or a section of one), written at byte offsets. */
public interface BlockDevice extends Closeable {
    /** The size in bytes. */
    long size();

    /** The logical block size (512 or 4096). */
    int blockSize();

    /** Writes all of {@code data} at {@code offset}. */
    void write(long offset, ByteBuffer data) throws IOException;

    /** Fills {@code target} from {@code offset}; reading past the end is an error. */
    void read(long offset, ByteBuffer target) throws IOException;

    /**
     * Writes exactly {@code length} bytes of {@code in} at {@code offset}. With {@code skipZeros},
     * all-zero blocks are not written (the caller has zeroed the range), so image files keep holes.
     */
    void writeStream(long offset, InputStream in, long length, boolean skipZeros, Progress progress) throws IOException;

    /**
     * Copies {@code length} bytes of a local file to {@code offset}, by {@code copy_file_range} when the
     * device is a file (a reflink on XFS and btrfs when offsets are block aligned), else by writes.
     */
    void writeFile(long offset, Path file, long length, Progress progress) throws IOException;

    /** Tells the device that a range is no longer needed (advisory); returns whether it was done. */
    boolean discard(long offset, long length) throws IOException;

    /** Makes a range read as zeros. */
    void zero(long offset, long length) throws IOException;

    /** Whether {@link #zero} is cheap (a hole punch), so zeroing a whole partition before a write costs nothing. */
    boolean zeroIsCheap();

    /** Flushes everything written to stable storage. */
    void sync() throws IOException;

    /** Where the device is, for messages. */
    String name();

    /** A section of this device: {@code length} bytes from {@code offset}. */
    default BlockDevice section(long offset, long length) {
        return new DeviceSection(this, offset, length);
    }

    /** Throws unless {@code [offset, offset+length)} lies within a device of {@code size} bytes. */
    static void checkRange(String name, long size, long offset, long length) {
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            throw new IndexOutOfBoundsException(name + ": range " + offset + "+" + length + " is outside the device's "
                    + size + " bytes");
        }
    }
}
