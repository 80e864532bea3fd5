package dev.osimg.transfer;

import dev.osimg.osimage.Payload;
import java.util.List;

/**
 * What a delta transfer will do, computed before anything is fetched: for each payload, which
 * chunks come from local data and which byte ranges of the stored blob are fetched.
 *
 * @param payloads one plan per payload, in layer order
 * @param metadataBytes manifest, config and seek tables: what is fetched whatever the payloads hold
 */
public record DeltaPlan(List<PayloadPlan> payloads, long metadataBytes) {
    public DeltaPlan {
        payloads = List.copyOf(payloads);
    }

    /** One byte range of a stored blob holding the consecutive chunks {@code first} .. {@code first + count - 1}. */
    public record Range(long offset, long length, int first, int count) {
    }

    /**
     * The plan for one payload. {@code chunks} is null when the payload is fetched whole
     * ({@code reason} says why); {@code sources} has one entry per chunk, null for a chunk to fetch.
     */
    public record PayloadPlan(Payload payload, StoredChunks chunks, List<LocalChunks.Source> sources, List<Range> ranges,
            String reason, long seekTableBytes) {
        public PayloadPlan {
            sources = sources == null ? null : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(sources));
            ranges = List.copyOf(ranges);
        }

        /** A payload fetched whole, for this reason. */
        static PayloadPlan whole(Payload payload, String reason, long seekTableBytes) {
            return new PayloadPlan(payload, null, null, List.of(), reason, seekTableBytes);
        }

        /** Whether the payload is fetched whole instead of chunk by chunk. */
        public boolean whole() {
            return chunks == null;
        }

        /** Chunks in the payload. */
        public int chunksTotal() {
            return payload.info().chunkHashes().size();
        }

        /** Chunks taken from local data. */
        public int chunksLocal() {
            return whole() ? 0 : (int) sources.stream().filter(java.util.Objects::nonNull).count();
        }

        /** Chunks fetched. */
        public int chunksToFetch() {
            return chunksTotal() - chunksLocal();
        }

        /** Stored bytes fetched for the payload's chunks (the whole blob when fetched whole). */
        public long bytesToFetch() {
            return whole() ? payload.layer().size() : ranges.stream().mapToLong(Range::length).sum();
        }
    }

    /** Chunks in all payloads. */
    public int chunksTotal() {
        return payloads.stream().mapToInt(PayloadPlan::chunksTotal).sum();
    }

    /** Chunks taken from local data. */
    public int chunksLocal() {
        return payloads.stream().mapToInt(PayloadPlan::chunksLocal).sum();
    }

    /** Chunks fetched. */
    public int chunksToFetch() {
        return chunksTotal() - chunksLocal();
    }

    /** Bytes fetched: payload ranges (or whole blobs) plus the metadata. */
    public long bytesToFetch() {
        return metadataBytes + payloads.stream().mapToLong(PayloadPlan::bytesToFetch).sum();
    }

    /** What a full transfer fetches: every stored blob plus the manifest and config. */
    public long fullBytes() {
        long seekTables = payloads.stream().mapToLong(PayloadPlan::seekTableBytes).sum();
        return metadataBytes - seekTables + payloads.stream().mapToLong(p -> p.payload().layer().size()).sum();
    }
}
