package dev.osimg.osimage;

import dev.osimg.blob.ChunkPipeline;
import dev.osimg.blob.DigestingChannel;
import dev.osimg.blob.Progress;
import dev.osimg.blob.ZstdFrameChannel;
import dev.osimg.json.GoCompatibleJson;
import dev.osimg.linux.FileCloner;
import dev.osimg.oci.Descriptor;
import dev.osimg.digest.Digest;
import dev.osimg.oci.Manifest;
import dev.osimg.oci.MediaTypes;
import dev.osimg.oci.OciLayoutWriter;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds an OS image into an OCI layout directory, byte-compatible with the reference writer.
 *
 * <p>Each payload is read once: chunk hashes are computed on all cores while the payload is
 * copied (or cloned, or compressed) into a temporary blob, which is renamed to its digest.
 */
public final class OsImageBuilder {
    /** The chunk size the writer uses. */
    public static final int HASH_CHUNK_SIZE = 1 << 20;

    private static final Base64.Encoder BASE64 = Base64.getEncoder().withoutPadding();
    private static final Pattern VARIANT = Pattern.compile("[a-zA-Z0-9._-]*");
    private static final Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

    private final List<PayloadSource> payloads = new ArrayList<>();
    private ProductInfo productInfo = ProductInfo.EMPTY;
    private Compression compression = Compression.DEFAULT;
    private LinkMode linkMode = LinkMode.COPY;
    private String tag;
    private Progress progress = Progress.NONE;

    /** Adds a payload; payloads keep the order they were added in. */
    public OsImageBuilder payload(String name, Path file) {
        payloads.add(new PayloadSource(name, file));
        return this;
    }

    public OsImageBuilder productInfo(ProductInfo info) {
        this.productInfo = Objects.requireNonNull(info);
        return this;
    }

    public OsImageBuilder compression(Compression value) {
        this.compression = Objects.requireNonNull(value);
        return this;
    }

    /** How uncompressed payloads become blobs; only with {@link Compression.None}. */
    public OsImageBuilder linkMode(LinkMode value) {
        this.linkMode = Objects.requireNonNull(value);
        return this;
    }

    /** Tags the manifest in the layout's index ({@code org.opencontainers.image.ref.name}). */
    public OsImageBuilder tag(String value) {
        this.tag = value;
        return this;
    }

    public OsImageBuilder progress(Progress value) {
        this.progress = Objects.requireNonNull(value);
        return this;
    }

    /** Checks every input, then writes the layout; on failure nothing that looks complete is left. */
    public BuildResult build(Path out) throws IOException {
        checkInputs();
        prepareJsonWriting();
        try (OciLayoutWriter writer = OciLayoutWriter.open(out)) {
            List<PayloadInfo> infos = new ArrayList<>();
            List<Descriptor> layers = new ArrayList<>();
            for (PayloadSource source : payloads) {
                StoredPayload stored = store(source, writer);
                infos.add(stored.info());
                layers.add(stored.layer());
            }
            OsImageConfig config = new OsImageConfig(OsImageConfig.FORMAT_VERSION, productInfo, infos);
            byte[] configBytes = GoCompatibleJson.write(config);
            Digest configDigest = writer.writeBlob(configBytes);
            Manifest manifest = Manifest.of(MediaTypes.OS_IMAGE_ARTIFACT,
                    Descriptor.of(MediaTypes.OS_IMAGE_CONFIG, configDigest, configBytes.length), layers);
            byte[] manifestBytes = GoCompatibleJson.write(manifest);
            Digest manifestDigest = writer.writeBlob(manifestBytes);
            Descriptor manifestDescriptor = Descriptor.of(MediaTypes.IMAGE_MANIFEST, manifestDigest, manifestBytes.length)
                    .withArtifactType(MediaTypes.OS_IMAGE_ARTIFACT);
            writer.commit(manifestDescriptor, tag);
            return new BuildResult(writer.target(), tag, manifestDescriptor, manifest, config);
        }
    }

    /**
     * Jackson builds its serializers of the config and manifest types by reflection the first time
     * it writes them: about 0.1 s of one core, which at the end of a build nothing overlaps. Writing
     * documents of the same types in the background now does it while the payloads are hashed.
     */
    private void prepareJsonWriting() {
        OsImageConfig config = new OsImageConfig(OsImageConfig.FORMAT_VERSION, productInfo,
                List.of(new PayloadInfo("payload", 1, HASH_CHUNK_SIZE, List.of(""))));
        Digest none = Digest.of(new byte[0]);
        Manifest manifest = Manifest.of(MediaTypes.OS_IMAGE_ARTIFACT, Descriptor.of(MediaTypes.OS_IMAGE_CONFIG, none, 0),
                List.of(Descriptor.of(MediaTypes.PAYLOAD_UNCOMPRESSED, none, 0)));
        Thread.ofPlatform().daemon().name("osimg-json-setup").start(() -> {
            try {
                GoCompatibleJson.write(config);
                GoCompatibleJson.write(manifest);
            } catch (RuntimeException e) {
                // Only preparation: if these documents cannot be written, the real ones report why.
            }
        });
    }

    private void checkInputs() throws IOException {
        if (payloads.isEmpty()) {
            throw new IllegalArgumentException("an OS image needs at least one payload (--payload NAME=PATH)");
        }
        Set<String> names = new HashSet<>();
        for (PayloadSource p : payloads) {
            if (!names.add(p.name())) {
                throw new IllegalArgumentException("payload name \"" + p.name() + "\" is given twice");
            }
            if (!Files.exists(p.file())) {
                throw new NoSuchFileException(p.file().toString(), null, "payload \"" + p.name() + "\" does not exist");
            }
            if (!Files.isRegularFile(p.file())) {
                throw new IOException("payload \"" + p.name() + "\": " + p.file() + " is not a regular file");
            }
            if (!Files.isReadable(p.file())) {
                throw new IOException("payload \"" + p.name() + "\": " + p.file() + " is not readable");
            }
        }
        if (!VARIANT.matcher(productInfo.variant()).matches()) {
            throw new IllegalArgumentException("variant \"" + productInfo.variant()
                    + "\" may only contain [a-zA-Z0-9._-] (architecture first, then -flags, e.g. x86_64-debug)");
        }
        if (tag != null && !TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("tag \"" + tag + "\" is not a valid OCI tag ([a-zA-Z0-9_][a-zA-Z0-9._-]{0,127})");
        }
        if (linkMode != LinkMode.COPY && !(compression instanceof Compression.None)) {
            throw new IllegalArgumentException("--link " + linkMode.name().toLowerCase() + " needs --compression none");
        }
    }

    private record StoredPayload(PayloadInfo info, Descriptor layer) {
    }

    private StoredPayload store(PayloadSource source, OciLayoutWriter writer) throws IOException {
        long size = Files.size(source.file());
        progress.begin("payload " + source.name(), size);
        try {
            // An instanceof chain, not a pattern switch: that spins a class at run time (≈ 5 ms of start-up).
            if (compression instanceof Compression.Zstd zstd) {
                return zstd.seekable() ? storeSeekableZstd(source, size, zstd.level(), writer)
                        : storeZstd(source, size, zstd.level(), writer);
            }
            return storeUncompressed(source, size, writer);
        } finally {
            progress.end();
        }
    }

    private StoredPayload storeUncompressed(PayloadSource source, long size, OciLayoutWriter writer) throws IOException {
        if (linkMode == LinkMode.COPY) {
            Path temp = writer.newTempBlobName();
            // Hashing the blob (shared extents after a clone, the page cache after a copy) hashes
            // exactly what is stored, even if the payload file changes meanwhile.
            OverlappedHasher.Hashes hashes = FileCloner.cloneOrAllocate(source.file(), temp, size)
                    ? OverlappedHasher.hash(temp, size, HASH_CHUNK_SIZE, progress)
                    : OverlappedHasher.copyAndHash(source.file(), temp, size, HASH_CHUNK_SIZE, progress);
            StoredPayload stored = uncompressed(source, size, hashes);
            writer.commitBlob(temp, stored.layer().digest());
            return stored;
        }
        StoredPayload stored = uncompressed(source, size, OverlappedHasher.hash(source.file(), size, HASH_CHUNK_SIZE, progress));
        writer.linkBlob(source.file(), stored.layer().digest(), linkMode == LinkMode.SYMLINK);
        return stored;
    }

    private static StoredPayload uncompressed(PayloadSource source, long size, OverlappedHasher.Hashes hashes) {
        return new StoredPayload(new PayloadInfo(source.name(), size, HASH_CHUNK_SIZE, hashes.chunkHashes()),
                Descriptor.of(MediaTypes.PAYLOAD_UNCOMPRESSED, hashes.digest(), size));
    }

    private StoredPayload storeZstd(PayloadSource source, long size, int level, OciLayoutWriter writer) throws IOException {
        Path temp = writer.newTempBlob();
        DigestingChannel compressed;
        List<String> hashes;
        try (FileChannel file = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            compressed = new DigestingChannel(file);
            try (ZstdFrameChannel zstd = new ZstdFrameChannel(compressed, level, size)) {
                hashes = chunkHashes(FileChannel.open(source.file(), StandardOpenOption.READ), size, source, data -> {
                    while (data.hasRemaining()) {
                        zstd.write(data);
                    }
                    return CompletableFuture.completedFuture(null);
                });
            }
        }
        Digest digest = compressed.digest();
        writer.commitBlob(temp, digest);
        return new StoredPayload(
                new PayloadInfo(source.name(), size, HASH_CHUNK_SIZE, hashes),
                Descriptor.of(MediaTypes.PAYLOAD_ZSTD, digest, compressed.count()));
    }

    /** Writes one zstd frame per hash chunk, compressed on all cores, then the seek table. */
    private StoredPayload storeSeekableZstd(PayloadSource source, long size, int level, OciLayoutWriter writer) throws IOException {
        Path temp = writer.newTempBlob();
        DigestingChannel compressed;
        List<String> hashes;
        try (FileChannel file = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            compressed = new DigestingChannel(file);
            try (SeekableZstdWriter frames = new SeekableZstdWriter(compressed, level, HASH_CHUNK_SIZE)) {
                hashes = chunkHashes(FileChannel.open(source.file(), StandardOpenOption.READ), size, source, frames::add);
                frames.finish();
            }
        }
        Digest digest = compressed.digest();
        writer.commitBlob(temp, digest);
        return new StoredPayload(
                new PayloadInfo(source.name(), size, HASH_CHUNK_SIZE, hashes),
                Descriptor.of(MediaTypes.PAYLOAD_ZSTD, digest, compressed.count()));
    }

    /** Receives each chunk's bytes, in order; the returned future completes when it is done with them. */
    private interface ChunkSink {
        CompletableFuture<Void> accept(ByteBuffer data) throws IOException;
    }

    /** How many chunks a sink may still be working on while the next ones are handed to it. */
    private static final int SINK_WINDOW = 3;

    /**
     * Reads a payload once, handing each chunk to {@code sink} while the chunk hashes are computed
     * on the hashing pool; returns the chunk hashes. The payload must be exactly {@code size} bytes.
     */
    private List<String> chunkHashes(ReadableByteChannel in, long size, PayloadSource source, ChunkSink sink) throws IOException {
        List<String> chunkHashes = new ArrayList<>();
        Deque<Map.Entry<ChunkPipeline.Chunk, CompletableFuture<Void>>> window = new ArrayDeque<>();
        try (ChunkPipeline pipeline = new ChunkPipeline(in, HASH_CHUNK_SIZE, size,
                "payload \"" + source.name() + "\" (" + source.file() + ")")) {
            for (ChunkPipeline.Chunk chunk = pipeline.next(); chunk != null; chunk = pipeline.next()) {
                window.add(Map.entry(chunk, sink.accept(chunk.data())));
                while (window.size() > SINK_WINDOW) {
                    finish(window.poll(), pipeline, chunkHashes);
                }
            }
            while (!window.isEmpty()) {
                finish(window.poll(), pipeline, chunkHashes);
            }
        } catch (EOFException e) {
            throw new IOException(e.getMessage() + "; was it changed during the build?", e);
        }
        return chunkHashes;
    }

    private void finish(Map.Entry<ChunkPipeline.Chunk, CompletableFuture<Void>> entry, ChunkPipeline pipeline,
            List<String> chunkHashes) throws IOException {
        ChunkPipeline.Chunk chunk = entry.getKey();
        try {
            entry.getValue().join();
        } catch (CompletionException e) {
            throw new IOException("payload chunk " + chunk.index() + ": " + e.getCause().getMessage(), e.getCause());
        }
        chunkHashes.add(BASE64.encodeToString(chunk.awaitSha256()));
        pipeline.release(chunk);
        progress.advance(chunk.length());
    }
}
