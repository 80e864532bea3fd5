package dev.osimg.blob;

import dev.osimg.digest.Digest;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cuts a stream into fixed-size chunks and hashes them on all cores while the next ones are read.
 *
 * <p>A reader thread fills recycled direct buffers from the source; each chunk's SHA-256 is
 * computed on a shared pool; {@link #next()} hands the chunks out in order. Memory is bounded by
 * a fixed number of buffers in flight, whatever the stream's length.
 *
 * <p>A {@link FileChannel} source is memory-mapped instead: chunks are views of the page cache,
 * so nothing is copied before hashing. Copying 1 MiB buffers costs more than hashing them on a
 * machine with little memory bandwidth; with mapping, verifying runs at the hashers' speed.
 */
public final class ChunkPipeline implements AutoCloseable {
    /** One chunk of the stream with its SHA-256, computed in the background. */
    public record Chunk(long index, ByteBuffer buffer, int length, CompletableFuture<byte[]> sha256) {
        /** The chunk's bytes: a fresh view from position 0 to its length. */
        public ByteBuffer data() {
            return buffer.duplicate().position(0).limit(length);
        }

        /** Waits for this chunk's SHA-256. */
        public byte[] awaitSha256() throws IOException {
            try {
                return sha256.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while hashing chunk " + index);
            } catch (ExecutionException e) {
                throw new IOException("hashing chunk " + index + " failed", e.getCause());
            }
        }
    }

    private static final int MAX_BYTES_IN_FLIGHT = 48 << 20;
    private static final long READER_POLL_MILLIS = 100;
    private static final Chunk END = new Chunk(-1, ByteBuffer.allocate(0), 0, CompletableFuture.completedFuture(new byte[0]));
    private static final ByteBuffer UNALLOCATED = ByteBuffer.allocate(0);
    private static final ExecutorService HASHERS = Executors.newFixedThreadPool(
            Runtime.getRuntime().availableProcessors(), daemonThreads("osimg-hash"));

    private final ReadableByteChannel source;
    private final int chunkSize;
    private final long expectedSize;
    private final String what;
    private final BlockingQueue<ByteBuffer> freeBuffers;
    private final BlockingQueue<Object> ready;
    private final Thread reader;
    private volatile boolean closed;

    /**
     * Starts reading {@code source} in chunks of {@code chunkSize} bytes.
     *
     * @param expectedSize the exact number of bytes the source must yield, or -1 to read to its end
     * @param what what the stream is, for error messages
     */
    public ChunkPipeline(ReadableByteChannel source, int chunkSize, long expectedSize, String what) {
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunk size must be positive, got " + chunkSize);
        }
        this.source = source;
        this.chunkSize = chunkSize;
        this.expectedSize = expectedSize;
        this.what = what;
        int cores = Runtime.getRuntime().availableProcessors();
        int buffers = Math.max(2, Math.min(2 * cores + 2, MAX_BYTES_IN_FLIGHT / chunkSize));
        this.freeBuffers = new ArrayBlockingQueue<>(buffers);
        this.ready = new ArrayBlockingQueue<>(buffers + 1);
        for (int i = 0; i < buffers; i++) {
            freeBuffers.add(UNALLOCATED);
        }
        this.reader = Thread.ofPlatform().daemon().name("osimg-read").unstarted(this::readAll);
        reader.start();
    }

    /** The next chunk in order, or null after the last one. Pass it to {@link #release} when done. */
    public Chunk next() throws IOException {
        Object item;
        try {
            item = ready.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading " + what);
        }
        if (item instanceof IOException e) {
            ready.offer(item);
            throw e;
        }
        if (item instanceof RuntimeException e) {
            ready.offer(item);
            throw e;
        }
        Chunk chunk = (Chunk) item;
        if (chunk == END) {
            ready.offer(END);
            return null;
        }
        return chunk;
    }

    /** Gives a chunk's buffer back for reuse; the chunk must not be used afterwards. */
    public void release(Chunk chunk) {
        freeBuffers.offer(chunk.buffer());
    }

    /**
     * The reader thread's body. Whatever ends it (the end of the source, a failure of any kind, an
     * {@link Error} included, or {@link #close}) is put in the queue for {@link #next}, and the reader
     * closes the source itself on the way out, so that the source is never closed under a running read.
     */
    private void readAll() {
        try {
            if (source instanceof FileChannel file) {
                readMapped(file);
            } else {
                readStream();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            fail(e);
        } catch (Error e) {
            fail(new IOException("reading " + what + " failed: " + e, e));
        } finally {
            try {
                source.close();
            } catch (IOException | RuntimeException e) {
                // A read-only source: what it had to give was read, or its failure is queued already.
            }
        }
    }

    /** Passes a failure on to the consumer, unless the pipeline was closed (then nobody waits for it). */
    private void fail(Exception e) {
        if (!closed) {
            // Room is left: the reader never has more chunks queued than there are buffers.
            ready.offer(e);
        }
    }

    private void readStream() throws IOException, InterruptedException {
        long position = 0;
        for (long index = 0; ; index++) {
            ByteBuffer buffer = freeBuffers.take();
            if (closed) {
                return;
            }
            if (buffer == UNALLOCATED) {
                buffer = ByteBuffer.allocateDirect(chunkSize);
            }
            int want = expectedSize < 0 ? chunkSize : (int) Math.min(chunkSize, expectedSize - position);
            int length = fill(buffer, want);
            if (expectedSize >= 0 && length < want) {
                throw new EOFException(what + " ended after " + (position + length) + " of " + expectedSize + " bytes");
            }
            if (length == 0) {
                if (expectedSize >= 0 && fill(buffer, 1) > 0) {
                    throw new BlobSizeMismatchException(what + " is longer than its declared size of " + expectedSize + " bytes");
                }
                ready.put(END);
                return;
            }
            position += length;
            ByteBuffer data = buffer.duplicate().position(0).limit(length);
            CompletableFuture<byte[]> hash = CompletableFuture.supplyAsync(() -> sha256(data), HASHERS);
            ready.put(new Chunk(index, buffer, length, hash));
            if (expectedSize < 0 && length < chunkSize) {
                ready.put(END);
                return;
            }
        }
    }

    /** Hands out views of the mapped file; the free-buffer queue only bounds how many are in flight. */
    private void readMapped(FileChannel file) throws IOException, InterruptedException {
        long start = file.position();
        long available = file.size() - start;
        if (expectedSize >= 0 && available < expectedSize) {
            throw new EOFException(what + " ended after " + available + " of " + expectedSize + " bytes");
        }
        if (expectedSize >= 0 && available > expectedSize) {
            throw new BlobSizeMismatchException(what + " is longer than its declared size of " + expectedSize + " bytes");
        }
        long total = expectedSize >= 0 ? expectedSize : available;
        MemorySegment whole = MemorySegment.NULL;
        if (total > 0) {
            // Unmapped by the garbage collector once no chunk view is left: a chunk still being
            // hashed or held by a consumer can never touch unmapped memory.
            whole = file.map(FileChannel.MapMode.READ_ONLY, start, total, Arena.ofAuto());
        }
        long index = 0;
        for (long position = 0; position < total; position += chunkSize, index++) {
            freeBuffers.take();
            if (closed) {
                return;
            }
            int length = (int) Math.min(chunkSize, total - position);
            ByteBuffer view = whole.asSlice(position, length).asByteBuffer();
            ByteBuffer data = view.duplicate();
            CompletableFuture<byte[]> hash = CompletableFuture.supplyAsync(() -> sha256(data), HASHERS);
            ready.put(new Chunk(index, view, length, hash));
        }
        ready.put(END);
    }

    /** Reads up to {@code want} bytes into the buffer from position 0; fewer only at the end of the source. */
    private int fill(ByteBuffer buffer, int want) throws IOException {
        buffer.clear().limit(want);
        while (buffer.hasRemaining()) {
            if (source.read(buffer) < 0) {
                break;
            }
        }
        return buffer.position();
    }

    private static byte[] sha256(ByteBuffer data) {
        MessageDigest md = Digest.newSha256();
        md.update(data);
        return md.digest();
    }

    /**
     * Stops the reader and returns once it has left, having closed the source. Every source osimg reads
     * (files, HTTP bodies, pipes between threads) gives up a blocked read on an interrupt.
     */
    @Override
    public void close() throws IOException {
        closed = true;
        boolean interrupted = false;
        while (reader.isAlive()) {
            reader.interrupt();
            try {
                reader.join(READER_POLL_MILLIS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
