package dev.osimg.osimage;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One payload in the OS image config: its name, uncompressed size and the SHA-256 of each
 * {@code hash_chunk_size} piece, standard base64 without padding.
 *
 * <p>A 0-byte payload has no chunks; the reference writer then writes {@code null}, and so does
 * osimg, so that digests match. Readers take {@code null} and {@code []} alike.
 */
@JsonPropertyOrder({"name", "size", "hash_chunk_size", "chunk_hashes_sha256"})
public record PayloadInfo(
        @JsonProperty("name") String name,
        @JsonProperty("size") long size,
        @JsonProperty("hash_chunk_size") long hashChunkSize,
        @JsonProperty("chunk_hashes_sha256") @JsonInclude(JsonInclude.Include.ALWAYS) List<String> chunkHashesSha256) {

    public PayloadInfo {
        chunkHashesSha256 = chunkHashesSha256 == null || chunkHashesSha256.isEmpty() ? null : List.copyOf(chunkHashesSha256);
    }

    /** The chunk hashes, never null. */
    @JsonIgnore
    public List<String> chunkHashes() {
        return chunkHashesSha256 == null ? List.of() : chunkHashesSha256;
    }

    /** How many chunks a payload of {@code size} bytes has: {@code ceil(size / chunkSize)}. */
    public static long chunkCount(long size, long chunkSize) {
        return size == 0 ? 0 : (size - 1) / chunkSize + 1;
    }
}
