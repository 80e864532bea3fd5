package dev.osimg.launch;

import dev.osimg.blob.Progress;
import dev.osimg.install.DiskInstaller;
import dev.osimg.install.InstallOptions;
import dev.osimg.linux.FileCloner;
import dev.osimg.osimage.OsImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Builds the disks of a launch with the install code, concurrently.
 *
 * <p>When the image's payloads are uncompressed local files, every disk is its own install on the unverified
 * path: the {@code system} payload is {@code copy_file_range}d, a reflink on XFS and btrfs, so each disk costs
 * milliseconds and no space, and each gets its own GUIDs. Otherwise (zstd payloads, a registry image) the
 * first disk is installed from the verified stream and the others are clones of it (reflinks, or sparse
 * copies of its data), so the payload is decompressed or downloaded once.
 */
final class LaunchDisks {
    private LaunchDisks() {
    }

    /**
     * Builds one disk of {@code size} bytes at each of {@code disks}; returns, for each, when it was ready
     * ({@link System#nanoTime()}).
     */
    static long[] build(OsImage image, InstallOptions options, long size, List<Path> disks, boolean clonePayloads,
                        ExecutorService pool) throws IOException, InterruptedException {
        long[] ready = new long[disks.size()];
        List<Future<?>> running = new ArrayList<>();
        if (clonePayloads) {
            InstallOptions unverified = options.withUnverified(true);
            for (int i = 0; i < disks.size(); i++) {
                int node = i;
                running.add(pool.submit(timed(ready, node, () -> install(image, unverified, disks.get(node), size))));
            }
        } else {
            install(image, options, disks.getFirst(), size);
            ready[0] = System.nanoTime();
            for (int i = 1; i < disks.size(); i++) {
                int node = i;
                running.add(pool.submit(timed(ready, node, () -> FileCloner.cloneOrCopySparse(disks.getFirst(), disks.get(node)))));
            }
        }
        await(running);
        return ready;
    }

    /**
     * Copies a small file (a firmware variable store) leaving its zero blocks as holes: AAVMF's 64 MiB stores are
     * mostly padding. Plain Java, because this runs on every launch and the native-call layer costs more to load
     * than this copy takes.
     */
    static void copySparse(Path source, Path target) throws IOException {
        byte[] block = new byte[4096];
        try (InputStream in = Files.newInputStream(source);
             RandomAccessFile out = new RandomAccessFile(target.toFile(), "rw")) {
            long position = 0;
            for (int n = in.readNBytes(block, 0, block.length); n > 0; n = in.readNBytes(block, 0, block.length)) {
                if (!isZero(block, n)) {
                    out.seek(position);
                    out.write(block, 0, n);
                }
                position += n;
            }
            out.setLength(position);
        }
    }

    private static boolean isZero(byte[] block, int length) {
        for (int i = 0; i < length; i++) {
            if (block[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Installs onto a new image file. Each disk goes into the launch's own new directory, where nothing can be
     * replaced, so the install is told it may replace: that skips its no-replace rename, a native call whose
     * first use in a JVM costs more than building a reflinked disk does.
     */
    private static void install(OsImage image, InstallOptions options, Path disk, long size) throws IOException {
        DiskInstaller.toImageFile(image, options, disk, size, true, Progress.NONE);
    }

    /** A piece of disk work. */
    private interface DiskWork {
        void run() throws IOException;
    }

    private static Callable<Void> timed(long[] ready, int node, DiskWork work) {
        return () -> {
            work.run();
            ready[node] = System.nanoTime();
            return null;
        };
    }

    /** Waits for one task's value, throwing what it threw. */
    static <T> T awaitValue(Future<T> task) throws IOException, InterruptedException {
        await(List.of(task));
        return task.resultNow();
    }

    /** Waits for every task; the first failure is thrown once all have ended, so no task writes on afterwards. */
    static void await(List<Future<?>> tasks) throws IOException, InterruptedException {
        Throwable first = null;
        for (Future<?> f : tasks) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (first == null) {
                    first = e.getCause();
                }
            }
        }
        switch (first) {
            case null -> {
            }
            case IOException io -> throw io;
            case RuntimeException r -> throw r;
            case Error err -> throw err;
            default -> throw new IOException(first);
        }
    }
}
