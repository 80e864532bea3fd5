package dev.osimg.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Names for temporary files and directories that say which process owns them, so that what a killed
 * run left behind is recognised and removed by the next run into the same place, and what a signalled
 * run (SIGINT, SIGTERM) is still writing is removed as the JVM shuts down.
 *
 * <p>A name is {@code .osimg-tmp-<pid namespace>-<pid>-<start time>-<random>-<label>}: a process of
 * the same PID namespace with that PID and start time is the owner; only when no such process runs
 * is the entry stale. Entries of another PID namespace (another container) are never touched.
 */
public final class TemporaryFiles {
    /** Every temporary name starts with this. */
    public static final String PREFIX = ".osimg-tmp-";

    private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-(\\d+)-([0-9a-f]+)-[0-9a-f]+-.*",
            Pattern.DOTALL);
    /** The part of a temporary name before its label, wherever it appears in a text. */
    private static final Pattern IN_TEXT = Pattern.compile(Pattern.quote(PREFIX) + "\\d+-\\d+-[0-9a-f]+-[0-9a-f]+-");
    private static final int MAX_LABEL = 64;
    private static final int DELETE_ATTEMPTS = 20;
    private static final String NAMESPACE = pidNamespace();
    private static final long PID = ProcessHandle.current().pid();
    private static final long START = startMillis(ProcessHandle.current()).orElse(0L);
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("osimg-temporary-cleanup").unstarted(
                TemporaryFiles::deleteLive));
    }

    private TemporaryFiles() {
    }

    /**
     * A fresh temporary path in {@code dir} (not created) whose name ends with {@code label}, registered
     * to be deleted if the JVM exits before {@link #release} is called.
     */
    public static Path newPath(Path dir, String label) {
        String safe = label.length() > MAX_LABEL ? label.substring(0, MAX_LABEL) : label;
        String name = PREFIX + NAMESPACE + "-" + PID + "-" + Long.toHexString(START) + "-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + "-" + safe;
        Path path = dir.resolve(name);
        LIVE.add(path);
        return path;
    }

    /**
     * Creates an empty temporary file in {@code dir} with the default permissions (the umask applies), or with
     * {@code attributes} (a private file for secrets).
     */
    public static Path createFile(Path dir, String label, FileAttribute<?>... attributes) throws IOException {
        Path path = newPath(dir, label);
        try {
            return Files.createFile(path, attributes);
        } catch (IOException e) {
            release(path);
            throw e;
        }
    }

    /** Creates a temporary directory in {@code dir} with the default permissions (the umask applies). */
    public static Path createDirectory(Path dir, String label) throws IOException {
        Path path = newPath(dir, label);
        try {
            return Files.createDirectory(path);
        } catch (IOException e) {
            release(path);
            throw e;
        }
    }

    /** The path is no longer temporary (renamed into place, or deleted): exiting leaves it alone. */
    public static void release(Path path) {
        LIVE.remove(path);
    }

    /** Deletes a temporary file or directory tree, if it exists, and releases it. */
    public static void delete(Path path) throws IOException {
        deleteTree(path);
        release(path);
    }

    /**
     * Deletes the temporary entries directly in {@code dir} whose owner process is gone; returns how
     * many. A directory that does not exist has none.
     */
    public static int sweep(Path dir) throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, PREFIX + "*")) {
            for (Path entry : entries) {
                if (isStale(entry.getFileName().toString())) {
                    deleteTree(entry);
                    removed++;
                }
            }
        } catch (NoSuchFileException e) {
            return removed;
        }
        return removed;
    }

    /**
     * {@code text} (a message) with every temporary name replaced by the name it stands in for, its label: a file the
     * user named as {@code /srv/x.img} is then reported as that, not as the temporary osimg wrote first.
     */
    public static String withoutTemporaryNames(String text) {
        return text == null ? null : IN_TEXT.matcher(text).replaceAll("");
    }

    /** Whether a temporary name belongs to a process of this PID namespace that no longer runs. */
    static boolean isStale(String name) {
        Matcher m = NAME.matcher(name);
        return m.matches() && ownerGone(m.group(1), m.group(2), m.group(3));
    }

    /**
     * This process as the owner of something whose name cannot carry it (a directory whose paths must stay short):
     * PID namespace, PID and start time, as {@link #sweepOwned} reads them back.
     */
    public static String ownerStamp() {
        return NAMESPACE + "-" + PID + "-" + Long.toHexString(START);
    }

    /**
     * Deletes the directories directly in {@code dir} whose names match {@code glob} and that hold a file
     * {@code stampFile} with the {@link #ownerStamp} of a process that no longer runs; returns how many. A directory
     * without that file (not ours, or still being set up) is left alone.
     */
    public static int sweepOwned(Path dir, String glob, String stampFile) throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, glob)) {
            for (Path entry : entries) {
                Path stamp = entry.resolve(stampFile);
                if (!Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS) || !Files.isRegularFile(stamp, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                String[] parts = Files.readString(stamp).strip().split("-");
                if (parts.length == 3 && ownerGone(parts[0], parts[1], parts[2])) {
                    deleteTree(entry);
                    removed++;
                }
            }
        } catch (NoSuchFileException e) {
            return removed;
        }
        return removed;
    }

    private static boolean ownerGone(String namespace, String pidText, String startHex) {
        if (!namespace.equals(NAMESPACE)) {
            return false;
        }
        long pid;
        long start;
        try {
            pid = Long.parseLong(pidText);
            start = Long.parseUnsignedLong(startHex, 16);
        } catch (NumberFormatException e) {
            return false;
        }
        Optional<ProcessHandle> owner = ProcessHandle.of(pid);
        if (owner.isEmpty()) {
            return true;
        }
        // The PID may have been reused by a later process: then the start time differs.
        return startMillis(owner.get()).map(s -> s != start).orElse(false);
    }

    private static Optional<Long> startMillis(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toEpochMilli);
    }

    private static String pidNamespace() {
        try {
            String link = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
            String digits = link.replaceAll("\\D", "");
            return digits.isEmpty() ? "0" : digits;
        } catch (IOException | UnsupportedOperationException e) {
            return "0";
        }
    }

    /**
     * Runs as the JVM exits (normally, or on SIGINT or SIGTERM). Other threads may still be writing
     * into a temporary directory while it is deleted, so each is tried a few times.
     */
    private static void deleteLive() {
        for (Path path : LIVE) {
            for (int attempt = 0; attempt < DELETE_ATTEMPTS; attempt++) {
                try {
                    deleteTree(path);
                    break;
                } catch (IOException | UncheckedIOException e) {
                    // Something was created meanwhile: try again; what is left is swept by the next run.
                    Thread.onSpinWait();
                }
            }
        }
    }

    private static void deleteTree(Path path) throws IOException {
        if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(path);
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
