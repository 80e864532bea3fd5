package dev.osimg.transfer;

import com.github.luben.zstd.Zstd;
import dev.osimg.blob.Blob;
import dev.osimg.blob.RangeNotSupportedException;
import dev.osimg.digest.Digest;
import dev.osimg.osimage.PayloadVerificationException;
import dev.osimg.osimage.VerifiedPayloadInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Carries out a payload's {@link DeltaPlan.PayloadPlan}: local chunks are copied, the planned
 * ranges are fetched {@code jobs} at a time, and every fetched chunk is decompressed if needed and
 * checked against its SHA-256 before it is written. When the registry ignores or refuses a range,
 * the payload is fetched whole instead and the listener is told once.
 */
public final class DeltaFetch {
    /** Where a payload's content goes: positional writes, safe from several threads. */
    public interface ContentTarget {
        void write(long offset, ByteBuffer data) throws IOException;
    }

    private final int jobs;
    private final DeltaListener listener;
    private final AtomicLong fetched = new AtomicLong();

    public DeltaFetch(int jobs, DeltaListener listener) {
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be at least 1, got " + jobs);
        }
        this.jobs = jobs;
        this.listener = listener;
    }

    /** Payload bytes fetched from the registry so far (ranges and whole blobs). */
    public long bytesFetched() {
        return fetched.get();
    }

    /**
     * Writes the payload's stored blob into {@code out} (created or overwritten). Local chunks
     * are copied with {@code copy_file_range} where they are stored alike; the caller checks the
     * finished file against the layer digest before using it.
     */
    public void assembleBlob(DeltaPlan.PayloadPlan plan, Path out) throws IOException {
        Blob remote = plan.payload().storedBlob();
        try (FileChannel channel = FileChannel.open(out, StandardOpenOption.WRITE, StandardOpenOption.CREATE)) {
            if (!plan.whole()) {
                try {
                    run(plan, remote, new BlobOutput(channel, plan, out));
                    return;
                } catch (RangeNotSupportedException e) {
                    listener.fallback(plan.payload().name(), e.getMessage());
                }
            }
            channel.truncate(0);
            try (InputStream in = remote.open()) {
                byte[] buffer = new byte[1 << 20];
                long position = 0;
                for (int n = in.readNBytes(buffer, 0, buffer.length); n > 0; n = in.readNBytes(buffer, 0, buffer.length)) {
                    writeFully(channel, ByteBuffer.wrap(buffer, 0, n), position);
                    position += n;
                    fetched.addAndGet(n);
                    listener.progress(n);
                }
            }
        }
    }

    /**
     * Writes the payload's content into {@code target} at offset 0. Local chunks are read and
     * checked against their SHA-256 again as they are copied, so data that changed since it was
     * planned is never written.
     */
    public void writeContent(DeltaPlan.PayloadPlan plan, ContentTarget target) throws IOException {
        Blob remote = plan.payload().storedBlob();
        if (!plan.whole()) {
            try {
                run(plan, remote, new ContentOutput(target, plan));
                return;
            } catch (RangeNotSupportedException e) {
                listener.fallback(plan.payload().name(), e.getMessage());
            }
        }
        long before = fetched.get();
        try (VerifiedPayloadInputStream in = plan.payload().openVerified()) {
            byte[] buffer = new byte[1 << 20];
            long position = 0;
            for (int n = in.readNBytes(buffer, 0, buffer.length); n > 0; n = in.readNBytes(buffer, 0, buffer.length)) {
                target.write(position, ByteBuffer.wrap(buffer, 0, n));
                position += n;
                listener.progress(n);
            }
        }
        fetched.set(before + plan.payload().layer().size());
    }

    /** What is done with each chunk, by what the transfer produces. */
    private interface Output {
        void local(int index, LocalChunks.Source source) throws IOException;

        void fetched(int index, byte[] stored, ByteBuffer content) throws IOException;

        void finish() throws IOException;
    }

    private void run(DeltaPlan.PayloadPlan plan, Blob remote, Output output) throws IOException {
        StoredChunks chunks = plan.chunks();
        // Platform threads: see ImageCopy (virtual threads' socket I/O delays the JVM's exit by 300 ms).
        try (ExecutorService pool = Executors.newFixedThreadPool(jobs,
                Thread.ofPlatform().daemon().name("osimg-range-", 0).factory())) {
            List<Future<?>> tasks = new ArrayList<>();
            for (DeltaPlan.Range range : plan.ranges()) {
                tasks.add(pool.submit(() -> {
                    fetchRange(plan, chunks, remote, range, output);
                    return null;
                }));
            }
            try {
                // Local chunks are copied here while the ranges download.
                for (int i = 0; i < chunks.count(); i++) {
                    LocalChunks.Source source = plan.sources().get(i);
                    if (source != null) {
                        output.local(i, source);
                        listener.progress(chunks.contentLength(i));
                    }
                }
                for (Future<?> task : tasks) {
                    task.get();
                }
            } catch (ExecutionException e) {
                tasks.forEach(t -> t.cancel(true));
                Throwable cause = e.getCause();
                if (cause instanceof IOException io) {
                    throw io;
                }
                throw new IOException("fetching payload \"" + plan.payload().name() + "\" failed: " + cause, cause);
            } catch (InterruptedException e) {
                tasks.forEach(t -> t.cancel(true));
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("fetching payload \"" + plan.payload().name() + "\" was interrupted");
            } catch (IOException | RuntimeException e) {
                tasks.forEach(t -> t.cancel(true));
                throw e;
            }
        }
        output.finish();
    }

    private void fetchRange(DeltaPlan.PayloadPlan plan, StoredChunks chunks, Blob remote, DeltaPlan.Range range, Output output)
            throws IOException {
        try (InputStream in = remote.openRange(range.offset(), range.length())) {
            for (int i = range.first(); i < range.first() + range.count(); i++) {
                byte[] stored = in.readNBytes(chunks.storedLength(i));
                if (stored.length != chunks.storedLength(i)) {
                    throw new EOFException("payload \"" + plan.payload().name() + "\": the range for chunk " + i + " ended early");
                }
                fetched.addAndGet(stored.length);
                ByteBuffer content = chunks.framed() ? decompress(plan, chunks, i, stored) : ByteBuffer.wrap(stored);
                verify(plan, chunks, i, content);
                output.fetched(i, stored, content);
                listener.progress(chunks.contentLength(i));
            }
        }
    }

    private static ByteBuffer decompress(DeltaPlan.PayloadPlan plan, StoredChunks chunks, int i, byte[] frame) throws IOException {
        byte[] content = new byte[chunks.contentLength(i)];
        long n;
        try {
            n = Zstd.decompressByteArray(content, 0, content.length, frame, 0, frame.length);
        } catch (RuntimeException e) {
            throw new PayloadVerificationException(plan.payload().name(), i, chunks.count());
        }
        if (n != content.length) {
            throw new PayloadVerificationException(plan.payload().name(), i, chunks.count());
        }
        return ByteBuffer.wrap(content);
    }

    private static void verify(DeltaPlan.PayloadPlan plan, StoredChunks chunks, int i, ByteBuffer content) throws IOException {
        MessageDigest sha256 = Digest.newSha256();
        sha256.update(content.duplicate());
        if (!MessageDigest.isEqual(sha256.digest(), chunks.hash(i))) {
            throw new PayloadVerificationException(plan.payload().name(), i, chunks.count());
        }
    }

    private static byte[] read(Path file, long offset, int length) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(length);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, offset + buffer.position()) < 0) {
                    throw new EOFException(file + " ended at byte " + (offset + buffer.position()) + " while reading a local chunk");
                }
            }
            return buffer.array();
        }
    }

    /** The content of a local chunk, read now and checked against the wanted hash. */
    private static ByteBuffer localContent(DeltaPlan.PayloadPlan plan, StoredChunks chunks, int i, LocalChunks.Source source)
            throws IOException {
        ByteBuffer content = switch (source) {
            case LocalChunks.Raw r -> {
                ByteBuffer bytes = ByteBuffer.allocate(r.contentLength());
                r.data().read(r.offset(), bytes);
                yield bytes.flip();
            }
            case LocalChunks.Frame f -> decompress(plan, chunks, i, read(f.file(), f.offset(), f.compressedLength()));
            case LocalChunks.Listed l -> throw new IllegalStateException("a listed chunk is an estimate, not data");
        };
        try {
            verify(plan, chunks, i, content);
        } catch (PayloadVerificationException e) {
            throw new IOException("local data for chunk " + i + " of payload \"" + plan.payload().name()
                    + "\" changed after it was read for the plan; run the transfer again", e);
        }
        return content;
    }

    private static void writeFully(FileChannel channel, ByteBuffer data, long position) throws IOException {
        while (data.hasRemaining()) {
            position += channel.write(data, position);
        }
    }

    /** Builds the stored blob: stored bytes at stored offsets, the seek table last. */
    private final class BlobOutput implements Output {
        private final FileChannel channel;
        private final StoredChunks chunks;
        private final Path path;
        private final DeltaPlan.PayloadPlan plan;

        BlobOutput(FileChannel channel, DeltaPlan.PayloadPlan plan, Path path) {
            this.channel = channel;
            this.chunks = plan.chunks();
            this.path = path;
            this.plan = plan;
        }

        @Override
        public void local(int index, LocalChunks.Source source) throws IOException {
            long position = chunks.storedOffset(index);
            switch (source) {
                case LocalChunks.Raw r when !chunks.framed() && r.data().file().isPresent() ->
                        copy(r.data().file().get(), r.offset(), r.contentLength(), position);
                case LocalChunks.Raw r when !chunks.framed() -> {
                    ByteBuffer bytes = ByteBuffer.allocate(r.contentLength());
                    r.data().read(r.offset(), bytes);
                    writeFully(channel, bytes.flip(), position);
                }
                case LocalChunks.Frame f when chunks.framed() -> copy(f.file(), f.offset(), f.compressedLength(), position);
                case LocalChunks.Frame f when !chunks.framed() -> writeFully(channel, localContent(plan, chunks, index, f), position);
                default -> throw new IllegalStateException("chunk " + index + " cannot be stored from " + source);
            }
        }

        /** {@code copy_file_range} (what {@code transferTo} between files is), through a channel of its own position. */
        private void copy(Path from, long offset, long length, long position) throws IOException {
            try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
                    FileChannel out = FileChannel.open(path, StandardOpenOption.WRITE)) {
                out.position(position);
                long done = 0;
                while (done < length) {
                    long n = in.transferTo(offset + done, length - done, out);
                    if (n <= 0) {
                        throw new EOFException(from + " ended at byte " + (offset + done) + " while copying a local chunk");
                    }
                    done += n;
                }
            }
        }

        @Override
        public void fetched(int index, byte[] stored, ByteBuffer content) throws IOException {
            writeFully(channel, ByteBuffer.wrap(stored), chunks.storedOffset(index));
        }

        @Override
        public void finish() throws IOException {
            if (chunks.framed()) {
                writeFully(channel, ByteBuffer.wrap(chunks.table().toBytes()), chunks.table().framesSize());
            }
        }
    }

    /** Writes the content: each chunk at its content offset, local chunks checked again as they are read. */
    private final class ContentOutput implements Output {
        private final ContentTarget target;
        private final StoredChunks chunks;
        private final DeltaPlan.PayloadPlan plan;

        ContentOutput(ContentTarget target, DeltaPlan.PayloadPlan plan) {
            this.target = target;
            this.chunks = plan.chunks();
            this.plan = plan;
        }

        @Override
        public void local(int index, LocalChunks.Source source) throws IOException {
            target.write(chunks.contentOffset(index), localContent(plan, chunks, index, source));
        }

        @Override
        public void fetched(int index, byte[] stored, ByteBuffer content) throws IOException {
            target.write(chunks.contentOffset(index), content);
        }

        @Override
        public void finish() {
        }
    }
}
