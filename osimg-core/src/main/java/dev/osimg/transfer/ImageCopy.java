package dev.osimg.transfer;

import dev.osimg.blob.Progress;
import dev.osimg.oci.BlobOutcome;
import dev.osimg.oci.Descriptor;
import dev.osimg.oci.ImageSink;
import dev.osimg.oci.OciImage;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Copies an image from any source to any sink: the config and layers, {@code jobs} at a time,
 * then the manifest. The first failure cancels the other transfers.
 */
public final class ImageCopy {
    private final int jobs;
    private final Progress progress;
    private final String verb;

    public ImageCopy(int jobs, Progress progress) {
        this(jobs, progress, "copy");
    }

    /**
     * A copy whose progress step is named {@code verb} ({@code push}, {@code pull}, {@code copy}), the word the
     * user typed, so that progress output says what the command does.
     */
    public ImageCopy(int jobs, Progress progress, String verb) {
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be at least 1, got " + jobs);
        }
        this.jobs = jobs;
        this.progress = progress;
        this.verb = verb;
    }

    /** What a copy did; {@code skipped} are the blobs the destination had, in the manifest's order. */
    public record Result(Descriptor manifest, List<Descriptor> blobs, long bytes, List<Skipped> skipped) {
        public Result {
            skipped = List.copyOf(skipped);
        }
    }

    /** A blob that was not sent, and why ({@link BlobOutcome#EXISTS} or {@link BlobOutcome#MOUNTED}). */
    public record Skipped(Descriptor blob, BlobOutcome outcome) {
    }

    /** Copies every blob, then the manifest, and returns the manifest's descriptor at the sink. */
    public Result copy(OciImage source, ImageSink sink) throws IOException {
        List<Descriptor> blobs = blobsOf(source);
        long total = blobs.stream().mapToLong(Descriptor::size).sum();
        List<Skipped> skipped = new ArrayList<>();
        progress.begin(verb + " " + source.location() + " -> " + sink.location(), total);
        // Platform threads, not virtual ones: a virtual thread's socket I/O starts the JDK's poller threads, which
        // sit in epoll_wait (native code) to the end, and the JVM's exit then waits 300 ms for them to return.
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.min(jobs, Math.max(1, blobs.size())),
                Thread.ofPlatform().daemon().name("osimg-copy-", 0).factory())) {
            List<Future<BlobOutcome>> futures = new ArrayList<>();
            for (Descriptor d : blobs) {
                futures.add(pool.submit(() -> {
                    BlobOutcome outcome = sink.putBlob(source, d, source.blob(d), progress);
                    if (outcome.skipped()) {
                        progress.skipped("blob " + d.digest(), d.size(), outcome.reason());
                    }
                    return outcome;
                }));
            }
            try {
                for (int i = 0; i < futures.size(); i++) {
                    BlobOutcome outcome = futures.get(i).get();
                    if (outcome.skipped()) {
                        skipped.add(new Skipped(blobs.get(i), outcome));
                    }
                }
            } catch (ExecutionException e) {
                futures.forEach(f -> f.cancel(true));
                throw unwrap(e);
            } catch (InterruptedException e) {
                futures.forEach(f -> f.cancel(true));
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("copy of " + source.location() + " was interrupted");
            }
        } finally {
            progress.end();
        }
        Descriptor manifest = sink.putManifest(source);
        return new Result(manifest, blobs, total, skipped);
    }

    /** The config and layers, each digest once. */
    private static List<Descriptor> blobsOf(OciImage source) {
        Map<String, Descriptor> unique = new LinkedHashMap<>();
        if (source.manifest().config() != null) {
            unique.put(source.manifest().config().digest().toString(), source.manifest().config());
        }
        if (source.manifest().layers() != null) {
            for (Descriptor layer : source.manifest().layers()) {
                unique.putIfAbsent(layer.digest().toString(), layer);
            }
        }
        return List.copyOf(unique.values());
    }

    private static IOException unwrap(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof IOException io) {
            return io;
        }
        if (cause instanceof RuntimeException r) {
            throw r;
        }
        return new IOException(cause.getMessage(), cause);
    }
}
