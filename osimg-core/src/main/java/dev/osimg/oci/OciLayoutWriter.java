package dev.osimg.oci;

import dev.osimg.digest.Digest;

import dev.osimg.json.GoCompatibleJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes an OCI image layout so that nothing half-written ever looks complete.
 *
 * <p>A new directory is built under a temporary sibling name and renamed into place at
 * {@link #commit}. Into an existing layout, blobs go in one by one under temporary names and
 * are renamed to their digest; a blob already present is reused, never rewritten; the index is
 * replaced last, atomically.
 */
public final class OciLayoutWriter implements AutoCloseable {
    /** The bytes of {@code oci-layout} the reference writer produces. */
    public static final byte[] OCI_LAYOUT_FILE = "{\"imageLayoutVersion\": \"1.0.0\"}\n".getBytes(StandardCharsets.US_ASCII);

    private static final String TEMP_PREFIX = ".osimg-tmp-";

    private final Path target;
    private final Path workDir;
    private final boolean fresh;
    private final List<Path> tempFiles = new ArrayList<>();
    private boolean committed;

    private OciLayoutWriter(Path target, Path workDir, boolean fresh) {
        this.target = target;
        this.workDir = workDir;
        this.fresh = fresh;
    }

    /**
     * Starts writing {@code dir}: a new directory, an empty one, or an existing OCI layout. Any
     * other existing path is refused so that no unrelated file is ever touched.
     */
    public static OciLayoutWriter open(Path dir) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        if (Files.exists(target)) {
            if (!Files.isDirectory(target)) {
                throw new FileAlreadyExistsException(dir.toString(), null, "exists and is not a directory; refusing to write a layout there");
            }
            boolean isLayout = Files.isRegularFile(target.resolve("oci-layout"));
            if (!isLayout) {
                try (Stream<Path> entries = Files.list(target)) {
                    if (entries.findAny().isPresent()) {
                        throw new FileAlreadyExistsException(dir.toString(), null,
                                "is a non-empty directory that is not an OCI layout; refusing to write into it");
                    }
                }
            }
            Files.createDirectories(target.resolve("blobs").resolve(Digest.ALGORITHM));
            if (!isLayout) {
                writeAtomically(target, "oci-layout", OCI_LAYOUT_FILE);
            }
            return new OciLayoutWriter(target, target, false);
        }
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path work = Files.createTempDirectory(parent, TEMP_PREFIX + target.getFileName() + "-");
        Files.createDirectories(work.resolve("blobs").resolve(Digest.ALGORITHM));
        Files.write(work.resolve("oci-layout"), OCI_LAYOUT_FILE);
        return new OciLayoutWriter(target, work, true);
    }

    /** The directory the layout ends up in. */
    public Path target() {
        return target;
    }

    /** A new, empty temporary file among the blobs, to be {@link #commitBlob committed} or dropped. */
    public Path newTempBlob() throws IOException {
        Path temp = Files.createTempFile(blobDir(), TEMP_PREFIX, ".part");
        tempFiles.add(temp);
        return temp;
    }

    /** A fresh name among the blobs for a temporary file that the caller creates itself. */
    public Path newTempBlobName() throws IOException {
        Path temp = newTempBlob();
        Files.delete(temp);
        return temp;
    }

    /**
     * Makes a temporary file the blob of {@code digest}; when that blob exists already, it is
     * kept as it is and the temporary file is dropped.
     */
    public void commitBlob(Path temp, Digest digest) throws IOException {
        Path blob = OciLayout.blobPath(workDir, digest);
        if (Files.exists(blob)) {
            Files.deleteIfExists(temp);
        } else {
            Files.move(temp, blob, StandardCopyOption.ATOMIC_MOVE);
        }
        tempFiles.remove(temp);
    }

    /** Writes a small blob (a config, a manifest) and returns its digest. */
    public Digest writeBlob(byte[] bytes) throws IOException {
        Digest digest = Digest.of(bytes);
        if (!Files.exists(OciLayout.blobPath(workDir, digest))) {
            Path temp = newTempBlob();
            Files.write(temp, bytes);
            commitBlob(temp, digest);
        }
        return digest;
    }

    /** Where the blob of {@code digest} is while the layout is being written (before {@link #commit}). */
    public Path stagedBlob(Digest digest) {
        return OciLayout.blobPath(workDir, digest);
    }

    /** Whether the layout being written already holds this blob. */
    public boolean hasBlob(Digest digest) {
        return Files.exists(OciLayout.blobPath(workDir, digest));
    }

    /** Creates the blob of {@code digest} as a link to {@code file}, unless it exists already. */
    public void linkBlob(Path file, Digest digest, boolean symbolic) throws IOException {
        Path blob = OciLayout.blobPath(workDir, digest);
        if (Files.exists(blob)) {
            return;
        }
        Path temp = newTempBlobName();
        Path absolute = file.toAbsolutePath().normalize();
        if (symbolic) {
            // Relative to where the blob will finally live, as the reference writer does.
            Path finalBlobDir = OciLayout.blobPath(target, digest).getParent();
            Files.createSymbolicLink(temp, finalBlobDir.relativize(absolute));
        } else {
            Files.createLink(temp, absolute);
        }
        commitBlob(temp, digest);
    }

    /**
     * Records the manifest in the index (under {@code tag}, replacing an entry with the same
     * tag; without a tag, as the only image, keeping attached signatures) and makes the layout visible.
     */
    public void commit(Descriptor manifest, String tag) throws IOException {
        List<Descriptor> entries = new ArrayList<>();
        Descriptor entry = tag == null ? manifest : manifest.withAnnotations(Map.of(MediaTypes.REF_NAME_ANNOTATION, tag));
        if (!fresh && Files.isRegularFile(workDir.resolve("index.json"))) {
            for (Descriptor existing : OciLayout.open(workDir).index().manifests()) {
                // Without a tag the image is the only one, but what is attached to images (signatures) stays.
                boolean keep = tag == null ? OciLayout.isAttached(existing)
                        : !tag.equals(existing.annotation(MediaTypes.REF_NAME_ANNOTATION));
                if (keep) {
                    entries.add(existing);
                }
            }
        }
        entries.add(entry);
        writeAtomically(workDir, "index.json", GoCompatibleJson.write(Index.of(entries)));
        if (fresh) {
            try {
                Files.move(workDir, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
                throw new IOException("cannot move the finished layout into " + target + ": " + e.getMessage(), e);
            }
        }
        committed = true;
    }

    /** Drops everything not committed: temporary blobs, or the whole temporary directory. */
    @Override
    public void close() throws IOException {
        if (committed) {
            return;
        }
        if (fresh) {
            deleteTree(workDir);
        } else {
            for (Path temp : tempFiles) {
                Files.deleteIfExists(temp);
            }
        }
    }

    private Path blobDir() {
        return workDir.resolve("blobs").resolve(Digest.ALGORITHM);
    }

    private static void writeAtomically(Path dir, String name, byte[] bytes) throws IOException {
        Path temp = Files.createTempFile(dir, TEMP_PREFIX, ".part");
        try {
            Files.write(temp, bytes);
            Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
