package dev.osimg.transfer;

import com.github.luben.zstd.Zstd;
import dev.osimg.blob.ChunkPipeline;
import dev.osimg.digest.Digest;
import dev.osimg.digest.Xxh64;
import dev.osimg.oci.Descriptor;
import dev.osimg.oci.MediaTypes;
import dev.osimg.oci.OciImage;
import dev.osimg.oci.OciLayout;
import dev.osimg.osimage.OsImage;
import dev.osimg.osimage.Payload;
import dev.osimg.osimage.SeekTable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Chunks of data already on this machine, found by reading and hashing them (never by trusting a
 * config or a file name): raw content (a payload file, a slot, an uncompressed blob) cut into
 * chunks, and the frames of seekable zstd blobs, each decompressed and hashed. Hashing runs on
 * all cores.
 */
public final class LocalChunks {
    /** A local copy of a chunk's content, verified when it was indexed. */
    public sealed interface Source permits Raw, Frame, Listed {
        /** The chunk's uncompressed length. */
        int contentLength();
    }

    /** A chunk's content as it is, at {@code offset} of {@code data}. */
    public record Raw(LocalData data, long offset, int contentLength) implements Source {
    }

    /** A zstd frame at {@code offset} of {@code file} that decompresses to the chunk. */
    public record Frame(Path file, long offset, int compressedLength, int contentLength, int checksum) implements Source {
    }

    /** A chunk an old image's config lists, not read: only for estimates ({@code inspect --diff}), never copied. */
    public record Listed(int contentLength) implements Source {
    }

    private final int chunkSize;
    private final Map<String, Raw> raw = new ConcurrentHashMap<>();
    private final Map<String, List<Frame>> frames = new ConcurrentHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private long bytesRead;

    /** An empty index for chunks of {@code chunkSize} bytes. */
    public LocalChunks(int chunkSize) {
        this.chunkSize = chunkSize;
    }

    /** The chunk size sources are cut into. */
    public int chunkSize() {
        return chunkSize;
    }

    /** How many bytes were read to build the index. */
    public synchronized long bytesRead() {
        return bytesRead;
    }

    /** What could not be used, and why (for the report). */
    public synchronized List<String> notes() {
        return List.copyOf(notes);
    }

    /** A local copy of the chunk with this SHA-256 in any form, preferring raw content. */
    public Optional<Source> content(byte[] sha256) {
        String key = key(sha256);
        Raw r = raw.get(key);
        if (r != null) {
            return Optional.of(r);
        }
        List<Frame> f = frames.get(key);
        return f == null || f.isEmpty() ? Optional.empty() : Optional.of(f.getFirst());
    }

    /**
     * A local frame byte-identical in size and checksum to the wanted one, for assembling a
     * seekable blob; the assembled blob's digest confirms the bytes.
     */
    public Optional<Frame> frame(byte[] sha256, long compressedLength, int checksum) {
        List<Frame> f = frames.get(key(sha256));
        if (f == null) {
            return Optional.empty();
        }
        return f.stream().filter(x -> x.compressedLength() == compressedLength && x.checksum() == checksum).findFirst();
    }

    /**
     * Reads {@code length} bytes of raw content at {@code offset} of {@code file} (a file or a
     * block device) and indexes every whole or final chunk by its SHA-256.
     */
    public void addRaw(Path file, long offset, long length) throws IOException {
        LocalData data = LocalData.of(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            // A whole regular file is mapped by the pipeline; a section, or a block device (whose
            // channel reports size 0), is read through positional reads that end with the section.
            boolean whole = offset == 0 && java.nio.file.Files.isRegularFile(file) && channel.size() == length;
            index(data, offset, length, whole ? channel : new SectionChannel(data, offset, length));
        }
    }

    /** Reads the first {@code length} bytes of {@code data} (a slot, a partition) and indexes its chunks by SHA-256. */
    public void addData(LocalData data, long length) throws IOException {
        index(data, 0, length, new SectionChannel(data, 0, length));
    }

    private void index(LocalData data, long offset, long length, java.nio.channels.ReadableByteChannel source) throws IOException {
        try (ChunkPipeline pipeline = new ChunkPipeline(source, chunkSize, length, data.name())) {
            for (ChunkPipeline.Chunk chunk = pipeline.next(); chunk != null; chunk = pipeline.next()) {
                raw.putIfAbsent(key(chunk.awaitSha256()), new Raw(data, offset + chunk.index() * chunkSize, chunk.length()));
                pipeline.release(chunk);
            }
        }
        synchronized (this) {
            bytesRead += length;
        }
    }

    /**
     * Indexes every OS image of a layout directory: uncompressed payloads as raw content, seekable
     * zstd payloads frame by frame. A payload stored as one zstd frame cannot be cut into chunks
     * without decompressing all of it, so it is noted and skipped.
     */
    public void addLayout(Path dir) throws IOException {
        OciLayout layout = OciLayout.open(dir);
        java.util.Set<dev.osimg.digest.Digest> seen = new java.util.HashSet<>();
        for (Descriptor entry : layout.index().manifests()) {
            String tag = entry.annotation(MediaTypes.REF_NAME_ANNOTATION);
            OciImage image = tag != null ? layout.image(tag) : layout.index().manifests().size() == 1 ? layout.image(null) : null;
            if (image == null || !MediaTypes.OS_IMAGE_ARTIFACT.equals(image.manifest().artifactType())) {
                continue;
            }
            for (Payload payload : OsImage.read(image).payloads()) {
                if (!seen.add(payload.layer().digest())) {
                    continue;
                }
                Path blob = OciLayout.blobPath(dir, payload.layer().digest());
                if (!payload.compressed()) {
                    addRaw(blob, 0, payload.size());
                    continue;
                }
                Optional<SeekTable> table = payload.readSeekTable();
                if (table.isEmpty()) {
                    synchronized (this) {
                        notes.add("payload \"" + payload.name() + "\" of " + image.location()
                                + " is one zstd frame (not seekable); its chunks cannot be reused");
                    }
                    continue;
                }
                addFrames(blob, table.get());
            }
        }
    }

    /** Decompresses and hashes every frame of a seekable blob, on all cores. */
    void addFrames(Path blob, SeekTable table) throws IOException {
        int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
        try (ExecutorService pool = Executors.newFixedThreadPool(cores, Thread.ofPlatform().daemon().name("osimg-local-", 0).factory());
                FileChannel channel = FileChannel.open(blob, StandardOpenOption.READ)) {
            List<Future<?>> tasks = new ArrayList<>();
            for (int i = 0; i < table.frames().size(); i++) {
                int index = i;
                tasks.add(pool.submit(() -> {
                    indexFrame(channel, blob, table, index);
                    return null;
                }));
            }
            for (Future<?> task : tasks) {
                task.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading " + blob);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(blob + ": " + e.getCause().getMessage(), e.getCause());
        }
        synchronized (this) {
            bytesRead += table.framesSize();
        }
    }

    private void indexFrame(FileChannel channel, Path blob, SeekTable table, int index) throws IOException {
        SeekTable.Frame frame = table.frames().get(index);
        if (frame.decompressedSize() != chunkSize && index != table.frames().size() - 1) {
            return;
        }
        byte[] stored = new byte[(int) frame.compressedSize()];
        ByteBuffer buffer = ByteBuffer.wrap(stored);
        long position = table.frameOffset(index);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new java.io.EOFException(blob + " ends inside frame " + index);
            }
        }
        byte[] content = new byte[(int) frame.decompressedSize()];
        long n;
        try {
            n = Zstd.decompressByteArray(content, 0, content.length, stored, 0, stored.length);
        } catch (RuntimeException e) {
            // A damaged local frame is simply not a source; the chunk will be fetched.
            return;
        }
        if (n != content.length) {
            return;
        }
        byte[] sha256 = Digest.newSha256().digest(content);
        // The old table's checksum only serves to pick a frame that may be byte-identical to the
        // wanted one; the assembled blob's digest decides. Computing it costs a pass over the content.
        int checksum = table.hasChecksums() ? frame.checksum() : (int) Xxh64.hash(content);
        Frame local = new Frame(blob, position, stored.length, content.length, checksum);
        frames.computeIfAbsent(key(sha256), k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(local);
    }

    private static String key(byte[] sha256) {
        return HexFormat.of().formatHex(sha256);
    }

    /** {@code length} bytes of local data from {@code start}, read in order. */
    private static final class SectionChannel implements java.nio.channels.ReadableByteChannel {
        private final LocalData data;
        private final long end;
        private long position;
        private boolean open = true;

        SectionChannel(LocalData data, long start, long length) {
            this.data = data;
            this.position = start;
            this.end = start + length;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (position >= end) {
                return -1;
            }
            int n = (int) Math.min(dst.remaining(), end - position);
            data.read(position, dst.slice().limit(n));
            position += n;
            dst.position(dst.position() + n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }
    }
}
