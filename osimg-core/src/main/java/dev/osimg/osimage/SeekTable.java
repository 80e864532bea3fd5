package dev.osimg.osimage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The seek table of a seekable zstd blob (facebook/zstd {@code contrib/seekable_format} v0.1.0):
 * a skippable frame at the end of the blob that lists every zstd frame's compressed and
 * decompressed size, so that one frame can be located, fetched and decoded alone.
 *
 * <p>The parser trusts nothing: every size, count, reserved bit and magic number is checked,
 * and the frames must exactly fill the blob before the table.
 */
public final class SeekTable {
    /** The skippable frame magic the seek table uses. */
    public static final int SKIPPABLE_MAGIC = 0x184D2A5E;
    /** The magic number that ends a seekable blob. */
    public static final int SEEKABLE_MAGIC = 0x8F92EAB1;
    /** Bytes of the footer: frame count, descriptor, magic. */
    public static final int FOOTER_SIZE = 9;
    /** Bytes of the skippable frame header: magic, frame size. */
    public static final int HEADER_SIZE = 8;
    private static final int CHECKSUM_FLAG = 0x80;
    private static final int RESERVED_BITS = 0x7C;
    /** More frames than this cannot be described by a table whose size fits the u32 frame size field. */
    private static final long MAX_FRAMES = (0xFFFFFFFFL - FOOTER_SIZE) / 12;

    /** One frame: its stored size, its content size, and the low 32 bits of XXH64 of its content (when present). */
    public record Frame(long compressedSize, long decompressedSize, int checksum) {
    }

    private final List<Frame> frames;
    private final boolean checksums;
    private final long[] offsets;

    private SeekTable(List<Frame> frames, boolean checksums) {
        this.frames = List.copyOf(frames);
        this.checksums = checksums;
        this.offsets = new long[frames.size() + 1];
        for (int i = 0; i < frames.size(); i++) {
            offsets[i + 1] = offsets[i] + frames.get(i).compressedSize();
        }
    }

    /** A table of these frames, with checksums. */
    public static SeekTable of(List<Frame> frames) {
        return new SeekTable(frames, true);
    }

    /** The frames, in blob order. */
    public List<Frame> frames() {
        return frames;
    }

    /** Whether the entries carry checksums. */
    public boolean hasChecksums() {
        return checksums;
    }

    /** Where frame {@code index} starts in the blob. */
    public long frameOffset(int index) {
        return offsets[index];
    }

    /** The bytes the frames take, which is where the table starts. */
    public long framesSize() {
        return offsets[frames.size()];
    }

    /** The size of the whole skippable frame holding this table. */
    public long size() {
        return sizeFor(frames.size(), checksums);
    }

    /** The size of a table of {@code frameCount} entries with checksums: the tail to fetch to read one. */
    public static long sizeFor(long frameCount, boolean withChecksums) {
        return HEADER_SIZE + frameCount * (withChecksums ? 12 : 8) + FOOTER_SIZE;
    }

    /** The skippable frame, as written at the end of a seekable blob. */
    public byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(size())).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(SKIPPABLE_MAGIC);
        out.putInt(Math.toIntExact(size() - HEADER_SIZE));
        for (Frame f : frames) {
            out.putInt((int) f.compressedSize());
            out.putInt((int) f.decompressedSize());
            if (checksums) {
                out.putInt(f.checksum());
            }
        }
        out.putInt(frames.size());
        out.put((byte) (checksums ? CHECKSUM_FLAG : 0));
        out.putInt(SEEKABLE_MAGIC);
        return out.array();
    }

    /** Whether a blob's last bytes end with the seekable magic (a cheap test; {@link #parse} checks the rest). */
    public static boolean endsWithSeekableMagic(byte[] tail) {
        return tail.length >= 4 && ByteBuffer.wrap(tail, tail.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() == SEEKABLE_MAGIC;
    }

    /**
     * Parses the seek table at the end of a blob of {@code blobSize} bytes from {@code tail}, the
     * blob's last bytes (at least the whole table; more is fine).
     *
     * @param what the blob, for error messages
     */
    public static SeekTable parse(byte[] tail, long blobSize, String what) throws OsImageFormatException {
        if (blobSize < tail.length) {
            throw invalid(what, "the tail given (" + tail.length + " bytes) is longer than the blob (" + blobSize + " bytes)");
        }
        if (tail.length < HEADER_SIZE + FOOTER_SIZE) {
            throw invalid(what, "the blob ends after " + tail.length + " bytes, too short for a seek table ("
                    + (HEADER_SIZE + FOOTER_SIZE) + " bytes at least)");
        }
        ByteBuffer in = ByteBuffer.wrap(tail).order(ByteOrder.LITTLE_ENDIAN);
        int end = tail.length;
        int magic = in.getInt(end - 4);
        if (magic != SEEKABLE_MAGIC) {
            throw invalid(what, String.format("it does not end with the seekable magic 0x%08X (found 0x%08X): not a seekable zstd blob",
                    SEEKABLE_MAGIC, magic));
        }
        int descriptor = in.get(end - 5) & 0xFF;
        if ((descriptor & RESERVED_BITS) != 0) {
            throw invalid(what, String.format("Seek_Table_Descriptor 0x%02X has reserved bits set", descriptor));
        }
        if ((descriptor & 0x03) != 0) {
            throw invalid(what, String.format("Seek_Table_Descriptor 0x%02X has unused bits set", descriptor));
        }
        boolean checksums = (descriptor & CHECKSUM_FLAG) != 0;
        long count = in.getInt(end - 9) & 0xFFFFFFFFL;
        if (count > MAX_FRAMES) {
            throw invalid(what, "Number_Of_Frames " + count + " cannot be described in one skippable frame");
        }
        long tableSize = sizeFor(count, checksums);
        if (tableSize > tail.length) {
            throw invalid(what, "the table of " + count + " frames needs " + tableSize + " bytes but "
                    + (tail.length < blobSize ? "only " + tail.length + " were read" : "the blob has " + blobSize));
        }
        int start = (int) (end - tableSize);
        int skippable = in.getInt(start);
        if (skippable != SKIPPABLE_MAGIC) {
            throw invalid(what, String.format("the table does not start with the skippable frame magic 0x%08X (found 0x%08X)",
                    SKIPPABLE_MAGIC, skippable));
        }
        long frameSize = in.getInt(start + 4) & 0xFFFFFFFFL;
        if (frameSize != tableSize - HEADER_SIZE) {
            throw invalid(what, "Frame_Size is " + frameSize + " but " + count + " entries and the footer take "
                    + (tableSize - HEADER_SIZE));
        }
        List<Frame> frames = new ArrayList<>((int) count);
        long framesSize = 0;
        int entrySize = checksums ? 12 : 8;
        for (int i = 0; i < count; i++) {
            int at = start + HEADER_SIZE + i * entrySize;
            long compressed = in.getInt(at) & 0xFFFFFFFFL;
            long decompressed = in.getInt(at + 4) & 0xFFFFFFFFL;
            int checksum = checksums ? in.getInt(at + 8) : 0;
            if (compressed == 0) {
                throw invalid(what, "frame " + i + " has a Compressed_Size of 0; a zstd frame is never empty");
            }
            framesSize += compressed;
            frames.add(new Frame(compressed, decompressed, checksum));
        }
        if (framesSize + tableSize != blobSize) {
            throw invalid(what, "its " + count + " frames take " + framesSize + " bytes and the table " + tableSize
                    + ", which is not the blob's size of " + blobSize + " bytes");
        }
        return new SeekTable(frames, checksums);
    }

    /**
     * Checks that the frames are exactly the payload's hash chunks: one frame per chunk, each
     * decompressing to that chunk's length, as osimg writes them.
     */
    public void requireChunkFrames(PayloadInfo info, String what) throws OsImageFormatException {
        long chunks = PayloadInfo.chunkCount(info.size(), info.hashChunkSize());
        if (frames.size() != chunks) {
            throw invalid(what, "it has " + frames.size() + " frames but payload \"" + info.name() + "\" has " + chunks
                    + " chunks; only one frame per chunk can be fetched chunk by chunk");
        }
        for (int i = 0; i < frames.size(); i++) {
            long expected = Math.min(info.hashChunkSize(), info.size() - i * info.hashChunkSize());
            if (frames.get(i).decompressedSize() != expected) {
                throw invalid(what, "frame " + i + " decompresses to " + frames.get(i).decompressedSize()
                        + " bytes but chunk " + i + " of payload \"" + info.name() + "\" is " + expected + " bytes");
            }
        }
    }

    private static OsImageFormatException invalid(String what, String message) {
        return new OsImageFormatException(what + ": invalid seek table: " + message);
    }
}
