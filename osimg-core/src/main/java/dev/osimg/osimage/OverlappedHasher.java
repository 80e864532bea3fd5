package dev.osimg.osimage;

import dev.osimg.blob.Progress;
import dev.osimg.digest.Digest;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Computes both hashes the format keeps of an uncompressed payload, the layer digest (one
 * sequential SHA-256 of the blob) and the chunk hashes, over the blob itself, overlapped with
 * copying the payload into the blob.
 *
 * <p>The layer digest cannot be split, so it is the critical path: one thread runs it from the
 * first byte to the last, starting as soon as the first region of the copy has landed. The calling
 * thread copies the payload in regions with {@code copy_file_range} (in the kernel, faster than
 * the digest, so the digest never waits after the first region), then hashes chunks; the digest's
 * thread joins the chunk hashes when it is done, and further cores hash chunks from the start. On
 * two cores both stay busy until the end. The blob is memory-mapped, so every region is hashed from
 * the page cache it was just copied into, without another copy; and what is hashed is exactly what
 * is stored, even if the payload file changes meanwhile.
 */
final class OverlappedHasher {
    /** The unit of the copy and of the digest's progress: small enough that the digest starts at once. */
    private static final int REGION_CHUNKS = 8;
    /** At most this many regions (each one mapping), however large the payload, so mappings stay few. */
    private static final int MAX_REGIONS = 1024;
    private static final Base64.Encoder BASE64 = Base64.getEncoder().withoutPadding();

    /** The layer digest and the chunk hashes (standard base64 without padding, as the config stores them). */
    record Hashes(Digest digest, List<String> chunkHashes) {
    }

    private final long size;
    private final int chunkSize;
    private final long regionSize;
    private final int chunkCount;
    private final int regionCount;
    private final MemorySegment[] regions;
    private final String[] chunkHashes;
    private final AtomicInteger nextChunk = new AtomicInteger();
    private final AtomicLong chunkBytesDone = new AtomicLong();
    private final Object landing = new Object();
    /** Regions mapped and readable, in order; written by the copying thread under {@link #landing}. */
    private volatile int landedRegions;
    private volatile long digestBytesDone;
    private volatile Throwable failure;
    private byte[] digest;
    /** How much progress was reported; only the calling thread reports. */
    private long reported;

    private OverlappedHasher(long size, int chunkSize) {
        this.size = size;
        this.chunkSize = chunkSize;
        this.chunkCount = Math.toIntExact(PayloadInfo.chunkCount(size, chunkSize));
        this.regionSize = (long) Math.max(REGION_CHUNKS, (chunkCount + MAX_REGIONS - 1) / MAX_REGIONS) * chunkSize;
        this.regionCount = Math.toIntExact((size + regionSize - 1) / regionSize);
        this.regions = new MemorySegment[regionCount];
        this.chunkHashes = new String[chunkCount];
    }

    /**
     * Copies the first {@code size} bytes of {@code source} into {@code target} (an existing file,
     * empty or allocated to at most {@code size} bytes) and hashes the copy while it is made.
     */
    static Hashes copyAndHash(Path source, Path target, long size, int chunkSize, Progress progress) throws IOException {
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                FileChannel out = FileChannel.open(target, StandardOpenOption.WRITE);
                FileChannel blob = FileChannel.open(target, StandardOpenOption.READ)) {
            return new OverlappedHasher(size, chunkSize).run(blob, progress, (hasher, arena) -> hasher.copy(source, in, out, blob, arena, progress));
        }
    }

    /** Hashes a file that is already the blob (a clone or the payload itself); it must be exactly {@code size} bytes. */
    static Hashes hash(Path file, long size, int chunkSize, Progress progress) throws IOException {
        try (FileChannel blob = FileChannel.open(file, StandardOpenOption.READ)) {
            if (blob.size() != size) {
                throw new IOException("payload " + file + " is " + blob.size() + " bytes, not " + size
                        + "; was it changed during the build?");
            }
            return new OverlappedHasher(size, chunkSize).run(blob, progress, (hasher, arena) -> hasher.mapAll(blob, arena));
        }
    }

    /** How the blob's regions land: copied one by one, or all at once. */
    private interface Lander {
        void land(OverlappedHasher hasher, Arena arena) throws IOException;
    }

    private Hashes run(FileChannel blob, Progress progress, Lander lander) throws IOException {
        int cores = Math.max(2, Runtime.getRuntime().availableProcessors());
        List<Thread> helpers = new ArrayList<>();
        try (Arena arena = Arena.ofShared()) {
            try {
                helpers.add(Thread.ofPlatform().daemon().name("osimg-digest").start(() -> work(this::digestAll)));
                for (int i = 2; i < cores; i++) {
                    helpers.add(Thread.ofPlatform().daemon().name("osimg-chunks-", i - 1).start(() -> work(this::hashChunks)));
                }
                lander.land(this, arena);
                reportProgress(progress);
                for (int c = claimChunk(); c >= 0; c = claimChunk()) {
                    hashChunk(c);
                    reportProgress(progress);
                }
            } catch (IOException | RuntimeException | Error e) {
                fail(e);
                throw e;
            } finally {
                joinAll(helpers);
            }
            // The segments are unmapped when the arena closes, after every thread reading them has ended.
        }
        rethrowFailure();
        if (size > reported) {
            progress.advance(size - reported);
        }
        return new Hashes(Digest.fromSha256(digest), Arrays.asList(chunkHashes));
    }

    private void copy(Path source, FileChannel in, FileChannel out, FileChannel blob, Arena arena, Progress progress) throws IOException {
        for (int r = 0; r < regionCount && failure == null; r++) {
            long start = r * regionSize;
            long length = Math.min(regionSize, size - start);
            for (long done = 0; done < length; ) {
                long n = in.transferTo(start + done, length - done, out);
                if (n <= 0) {
                    throw new EOFException("payload " + source + " ended after " + (start + done) + " of " + size
                            + " bytes; was it changed during the build?");
                }
                done += n;
            }
            land(r, blob.map(FileChannel.MapMode.READ_ONLY, start, length, arena));
            reportProgress(progress);
        }
    }

    private void mapAll(FileChannel blob, Arena arena) throws IOException {
        if (size == 0) {
            return;
        }
        MemorySegment whole = blob.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
        for (int r = 0; r < regionCount; r++) {
            long start = r * regionSize;
            land(r, whole.asSlice(start, Math.min(regionSize, size - start)));
        }
    }

    private void land(int region, MemorySegment segment) {
        regions[region] = segment;
        synchronized (landing) {
            landedRegions = region + 1;
            landing.notifyAll();
        }
    }

    /** The digest's thread: the whole blob in order, then whatever chunks are left. */
    private void digestAll() throws InterruptedException, InterruptedIOException {
        MessageDigest sha256 = Digest.newSha256();
        for (int r = 0; r < regionCount; r++) {
            if (!awaitLanded(r)) {
                return;
            }
            MemorySegment region = regions[r];
            // In chunk-sized pieces: a region of a huge payload can exceed what one ByteBuffer holds.
            for (long offset = 0; offset < region.byteSize(); offset += chunkSize) {
                long length = Math.min(chunkSize, region.byteSize() - offset);
                sha256.update(region.asSlice(offset, length).asByteBuffer());
                digestBytesDone += length;
            }
        }
        digest = sha256.digest();
        hashChunks();
    }

    private void hashChunks() throws InterruptedIOException {
        for (int c = claimChunk(); c >= 0; c = claimChunk()) {
            hashChunk(c);
        }
    }

    /** The next chunk nobody has taken, once its bytes have landed; -1 when all are taken or the work failed. */
    private int claimChunk() throws InterruptedIOException {
        while (true) {
            int c = nextChunk.get();
            if (c >= chunkCount || failure != null) {
                return -1;
            }
            try {
                if (!awaitLanded((int) ((long) c * chunkSize / regionSize))) {
                    return -1;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while hashing the payload");
            }
            if (nextChunk.compareAndSet(c, c + 1)) {
                return c;
            }
        }
    }

    private void hashChunk(int chunk) {
        long start = (long) chunk * chunkSize;
        int region = (int) (start / regionSize);
        int length = (int) Math.min(chunkSize, size - start);
        MessageDigest sha256 = Digest.newSha256();
        sha256.update(regions[region].asSlice(start - region * regionSize, length).asByteBuffer());
        chunkHashes[chunk] = BASE64.encodeToString(sha256.digest());
        chunkBytesDone.addAndGet(length);
    }

    /** Waits until a region has landed; false if the work failed meanwhile. */
    private boolean awaitLanded(int region) throws InterruptedException {
        if (landedRegions > region) {
            return true;
        }
        synchronized (landing) {
            while (landedRegions <= region && failure == null) {
                landing.wait();
            }
        }
        return failure == null;
    }

    /** A helper thread's body; what ends it abnormally stops the others and is rethrown by the caller. */
    private interface Work {
        void run() throws Exception;
    }

    private void work(Work body) {
        try {
            body.run();
        } catch (Throwable e) {
            fail(e);
        }
    }

    private void fail(Throwable e) {
        synchronized (landing) {
            if (failure == null) {
                failure = e;
            }
            landing.notifyAll();
        }
    }

    private void joinAll(List<Thread> threads) throws InterruptedIOException {
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    fail(new InterruptedIOException("interrupted while hashing the payload"));
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while hashing the payload");
        }
    }

    /** Rethrows what ended a helper thread (an instanceof chain: a pattern switch spins a class at run time). */
    private void rethrowFailure() throws IOException {
        Throwable e = failure;
        if (e == null) {
            return;
        }
        if (e instanceof IOException io) {
            throw io;
        }
        if (e instanceof UncheckedIOException u) {
            throw u.getCause();
        }
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        throw new IOException("hashing the payload failed: " + e, e);
    }

    /** Reports the share of the hashing done since the last report (digest and chunk hashes count half each). */
    private void reportProgress(Progress progress) {
        long done = (digestBytesDone + chunkBytesDone.get()) / 2;
        if (done > reported) {
            progress.advance(done - reported);
            reported = done;
        }
    }
}
