package dev.osimg.transfer;

import dev.osimg.blob.RangeNotSupportedException;
import dev.osimg.osimage.OsImage;
import dev.osimg.osimage.OsImageFormatException;
import dev.osimg.osimage.Payload;
import dev.osimg.osimage.SeekTable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Compares an image's chunk hashes with chunks found locally and plans what to fetch: single
 * byte ranges of the stored blobs, neighbouring chunks merged up to {@link #MAX_RANGE} (so that
 * several ranges can be in flight and a broken one resumes cheaply).
 */
public final class DeltaPlanner {
    /** The largest range asked for in one request. */
    public static final long MAX_RANGE = 16L << 20;

    /** What the transfer produces, which decides what a local chunk must be to be used. */
    public enum Output {
        /** The stored blob itself (a pull into a layout): a seekable blob needs the very frame bytes. */
        BLOB,
        /** The payload's content (a slot, a disk): any verified local copy of the chunk's content will do. */
        CONTENT
    }

    private DeltaPlanner() {
    }

    /** Plans against local data that was read and hashed. */
    public static DeltaPlan plan(OsImage image, LocalChunks local, Output output) throws IOException {
        return plan(image, (chunks, i) -> find(local, chunks, i, output), local.chunkSize());
    }

    /**
     * Plans against what another image's config lists, reading no payload: an estimate of what an
     * update from {@code old} would fetch, as {@code inspect --diff} shows it.
     */
    public static DeltaPlan estimate(OsImage image, OsImage old) throws IOException {
        Set<String> listed = new java.util.HashSet<>();
        long chunkSize = -1;
        for (Payload p : old.payloads()) {
            for (String hash : p.info().chunkHashes()) {
                listed.add(hash);
            }
            chunkSize = p.info().hashChunkSize();
        }
        return plan(image, (chunks, i) -> listed.contains(java.util.Base64.getEncoder().withoutPadding().encodeToString(chunks.hash(i)))
                ? Optional.of(new LocalChunks.Listed(chunks.contentLength(i))) : Optional.empty(), chunkSize);
    }

    private interface Lookup {
        Optional<? extends LocalChunks.Source> find(StoredChunks chunks, int index) throws IOException;
    }

    private static Optional<? extends LocalChunks.Source> find(LocalChunks local, StoredChunks chunks, int i, Output output) {
        if (output == Output.BLOB && chunks.framed()) {
            SeekTable.Frame frame = chunks.table().frames().get(i);
            return local.frame(chunks.hash(i), frame.compressedSize(), frame.checksum());
        }
        return local.content(chunks.hash(i));
    }

    private static DeltaPlan plan(OsImage image, Lookup lookup, long localChunkSize) throws IOException {
        long metadata = image.image().manifestBytes().length + image.image().manifest().config().size();
        List<DeltaPlan.PayloadPlan> plans = new ArrayList<>();
        for (Payload payload : image.payloads()) {
            DeltaPlan.PayloadPlan plan = planPayload(payload, lookup, localChunkSize);
            metadata += plan.seekTableBytes();
            plans.add(plan);
        }
        return new DeltaPlan(plans, metadata);
    }

    private static DeltaPlan.PayloadPlan planPayload(Payload payload, Lookup lookup, long localChunkSize) throws IOException {
        SeekTable table = null;
        long tableBytes = 0;
        if (payload.compressed()) {
            Optional<SeekTable> read;
            try {
                read = payload.readSeekTable();
            } catch (RangeNotSupportedException e) {
                return DeltaPlan.PayloadPlan.whole(payload, "the registry does not serve byte ranges: " + e.getMessage(), 0);
            } catch (OsImageFormatException e) {
                return DeltaPlan.PayloadPlan.whole(payload, e.getMessage(), 0);
            }
            tableBytes = Math.min(payload.layer().size(), SeekTable.sizeFor(payload.info().chunkHashes().size(), true));
            if (read.isEmpty()) {
                return DeltaPlan.PayloadPlan.whole(payload, "stored as one zstd frame (built with --no-seekable)", tableBytes);
            }
            table = read.get();
        }
        if (payload.info().hashChunkSize() != localChunkSize) {
            return DeltaPlan.PayloadPlan.whole(payload, "its chunk size " + payload.info().hashChunkSize()
                    + " differs from the local data's " + localChunkSize, tableBytes);
        }
        StoredChunks chunks = StoredChunks.of(payload, table);
        List<LocalChunks.Source> sources = new ArrayList<>();
        List<DeltaPlan.Range> ranges = new ArrayList<>();
        for (int i = 0; i < chunks.count(); i++) {
            LocalChunks.Source source = lookup.find(chunks, i).orElse(null);
            sources.add(source);
            if (source != null) {
                continue;
            }
            long offset = chunks.storedOffset(i);
            long length = chunks.storedLength(i);
            DeltaPlan.Range last = ranges.isEmpty() ? null : ranges.getLast();
            if (last != null && last.first() + last.count() == i && last.offset() + last.length() == offset
                    && last.length() + length <= MAX_RANGE) {
                ranges.set(ranges.size() - 1, new DeltaPlan.Range(last.offset(), last.length() + length, last.first(), last.count() + 1));
            } else {
                ranges.add(new DeltaPlan.Range(offset, length, i, 1));
            }
        }
        return new DeltaPlan.PayloadPlan(payload, chunks, sources, ranges, null, tableBytes);
    }
}
