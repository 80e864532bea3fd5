package dev.osimg.transfer;

import dev.osimg.osimage.OsImageFormatException;
import dev.osimg.osimage.Payload;
import dev.osimg.osimage.PayloadInfo;
import dev.osimg.osimage.SeekTable;
import java.util.Base64;

/**
 * Where each hash chunk of a payload lies in its stored blob: at chunk offsets in an uncompressed
 * layer, or as the frame the seek table lists in a seekable zstd layer.
 */
public final class StoredChunks {
    private final PayloadInfo info;
    private final SeekTable table;
    private final byte[][] hashes;

    private StoredChunks(PayloadInfo info, SeekTable table, byte[][] hashes) {
        this.info = info;
        this.table = table;
        this.hashes = hashes;
    }

    /** The chunks of a payload: {@code table} is its seek table, or null for an uncompressed layer. */
    public static StoredChunks of(Payload payload, SeekTable table) throws OsImageFormatException {
        PayloadInfo info = payload.info();
        byte[][] hashes = new byte[info.chunkHashes().size()][];
        for (int i = 0; i < hashes.length; i++) {
            try {
                hashes[i] = Base64.getDecoder().decode(info.chunkHashes().get(i));
            } catch (IllegalArgumentException e) {
                throw new OsImageFormatException(payload.name() + ": chunk_hashes_sha256[" + i + "] is not base64: " + e.getMessage());
            }
            if (hashes[i].length != 32) {
                throw new OsImageFormatException(payload.name() + ": chunk_hashes_sha256[" + i + "] is " + hashes[i].length
                        + " bytes, a SHA-256 is 32");
            }
        }
        return new StoredChunks(info, table, hashes);
    }

    /** The number of chunks. */
    public int count() {
        return hashes.length;
    }

    /** Whether chunks are stored as zstd frames. */
    public boolean framed() {
        return table != null;
    }

    /** The seek table, or null for an uncompressed layer. */
    public SeekTable table() {
        return table;
    }

    /** Chunk {@code i}'s SHA-256 from the config. */
    public byte[] hash(int i) {
        return hashes[i];
    }

    /** Where chunk {@code i} starts in the stored blob. */
    public long storedOffset(int i) {
        return framed() ? table.frameOffset(i) : i * info.hashChunkSize();
    }

    /** How many bytes chunk {@code i} takes in the stored blob. */
    public int storedLength(int i) {
        return framed() ? (int) table.frames().get(i).compressedSize() : contentLength(i);
    }

    /** Where chunk {@code i} starts in the payload's content. */
    public long contentOffset(int i) {
        return i * info.hashChunkSize();
    }

    /** Chunk {@code i}'s uncompressed length. */
    public int contentLength(int i) {
        return (int) Math.min(info.hashChunkSize(), info.size() - contentOffset(i));
    }

    /** The payload's chunk size. */
    public int chunkSize() {
        return (int) info.hashChunkSize();
    }
}
