package dev.osimg.osimage;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Writes a seekable zstd blob: each chunk handed in becomes one independent zstd frame (content
 * size and checksum in it), compressed on all cores and written in order; {@link #close} appends
 * the seek table. The result is still one plain zstd stream for any decoder.
 *
 * <p>Frames are compressed single-threaded each with fixed parameters, so a chunk's frame is
 * byte-identical across builds: a new blob can be assembled from an old one's unchanged frames.
 */
final class SeekableZstdWriter implements AutoCloseable {
    /** A compression context and an output buffer, used by one task at a time. */
    private record Worker(ZstdCompressCtx ctx, ByteBuffer output) {
    }

    private final WritableByteChannel sink;
    private final int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
    private final ExecutorService pool = Executors.newFixedThreadPool(cores,
            Thread.ofPlatform().daemon().name("osimg-zstd-", 0).factory());
    private final BlockingQueue<Worker> workers;
    private final List<Worker> allWorkers = new ArrayList<>();
    private final List<SeekTable.Frame> frames = new ArrayList<>();
    private CompletableFuture<Void> written = CompletableFuture.completedFuture(null);
    private final int chunkSize;

    SeekableZstdWriter(WritableByteChannel sink, int level, int chunkSize) {
        this.sink = sink;
        this.chunkSize = chunkSize;
        // One more worker than cores so the next frame can start while one is being written.
        this.workers = new ArrayBlockingQueue<>(cores + 2);
        for (int i = 0; i < cores + 2; i++) {
            ZstdCompressCtx ctx = new ZstdCompressCtx();
            ctx.setLevel(level);
            ctx.setChecksum(true);
            ctx.setContentSize(true);
            allWorkers.add(new Worker(ctx, ByteBuffer.allocateDirect((int) Zstd.compressBound(chunkSize))));
        }
        workers.addAll(allWorkers);
    }

    /**
     * Compresses one chunk (a direct buffer, at most the chunk size) into a frame in the
     * background; the future completes once the frame is written after all earlier ones.
     */
    CompletableFuture<Void> add(ByteBuffer chunk) {
        if (chunk.remaining() > chunkSize) {
            throw new IllegalArgumentException("a chunk of " + chunk.remaining() + " bytes is larger than " + chunkSize);
        }
        ByteBuffer data = chunk.isDirect() ? chunk.duplicate() : ByteBuffer.allocateDirect(chunk.remaining()).put(chunk.duplicate()).flip();
        CompletableFuture<Compressed> frame = CompletableFuture.supplyAsync(() -> compress(data), pool);
        written = written.thenCombine(frame, (ignored, compressed) -> {
            write(compressed);
            return null;
        });
        return written;
    }

    private record Compressed(Worker worker, int length, SeekTable.Frame frame) {
    }

    private Compressed compress(ByteBuffer data) {
        Worker worker;
        try {
            worker = workers.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while compressing", e);
        }
        int length;
        try {
            length = worker.ctx().compressDirectByteBuffer(worker.output(), 0, worker.output().capacity(),
                    data, data.position(), data.remaining());
        } catch (RuntimeException e) {
            workers.add(worker);
            throw e;
        }
        // The seek table's checksum is the frame's own (the low 32 bits of XXH64 of the content,
        // little-endian in the frame's last 4 bytes), which libzstd computed while compressing.
        int checksum = worker.output().duplicate().order(ByteOrder.LITTLE_ENDIAN).getInt(length - 4);
        return new Compressed(worker, length, new SeekTable.Frame(length, data.remaining(), checksum));
    }

    private void write(Compressed compressed) {
        try {
            ByteBuffer out = compressed.worker().output().duplicate().position(0).limit(compressed.length());
            while (out.hasRemaining()) {
                sink.write(out);
            }
            frames.add(compressed.frame());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            workers.add(compressed.worker());
        }
    }

    /** Waits for every frame, then writes the seek table; returns it. */
    SeekTable finish() throws IOException {
        try {
            written.join();
        } catch (java.util.concurrent.CompletionException e) {
            Throwable cause = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
            throw cause instanceof IOException io ? io : new IOException("zstd compression failed: " + cause.getMessage(), cause);
        }
        SeekTable table = SeekTable.of(frames);
        ByteBuffer bytes = ByteBuffer.wrap(table.toBytes());
        while (bytes.hasRemaining()) {
            sink.write(bytes);
        }
        return table;
    }

    /** Stops the compressors and frees their contexts (after {@link #finish}, or to abandon the blob). */
    @Override
    public void close() {
        // Frames already queued finish (a few at most), so no context is freed under a running task.
        pool.shutdown();
        try {
            pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Worker w : allWorkers) {
            w.ctx().close();
        }
    }
}
