package dev.osimg.oci;

import dev.osimg.digest.Digest;
import dev.osimg.json.GoCompatibleJson;
import dev.osimg.linux.FileLock;
import dev.osimg.linux.Renames;
import dev.osimg.linux.TemporaryFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Writes an OCI image layout so that nothing half-written ever looks complete, whoever else
 * writes into the same layout at the same time.
 *
 * <p>A new directory is built under a temporary sibling name and renamed into place at
 * {@link #commit}; if another writer created the layout meanwhile, the new blobs and index entry
 * are merged into it. Into an existing layout, blobs go in one by one under temporary names and
 * are renamed to their digest; a blob already present is reused only once its size and digest
 * checked out, else replaced. The index is read, merged (never replaced) and written back under
 * the layout's lock. Temporary names carry their owner process, so that what a killed writer left
 * is removed by the next writer into the same place. Files and directories are created with the
 * default permissions, so the umask decides who else may read the layout.
 */
public final class OciLayoutWriter implements AutoCloseable {
    /** The bytes of {@code oci-layout} the reference writer produces. */
    public static final byte[] OCI_LAYOUT_FILE = "{\"imageLayoutVersion\": \"1.0.0\"}\n".getBytes(StandardCharsets.US_ASCII);

    private final Path target;
    private final Path workDir;
    private final boolean fresh;
    private final Set<Path> tempFiles = ConcurrentHashMap.newKeySet();
    /** Blobs of the target found intact (size and digest) by this writer: checked once. */
    private final Set<Digest> intact = ConcurrentHashMap.newKeySet();
    private boolean committed;

    private OciLayoutWriter(Path target, Path workDir, boolean fresh) {
        this.target = target;
        this.workDir = workDir;
        this.fresh = fresh;
    }

    /**
     * Starts writing {@code dir}: a new directory, an empty one, or an existing OCI layout. Any
     * other existing path is refused so that no unrelated file is ever touched. Temporaries that
     * earlier writers left there when they were killed are removed first.
     */
    public static OciLayoutWriter open(Path dir) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        Path parent = target.getParent();
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) || Files.exists(target)) {
            prepareExisting(target, dir.toString());
            TemporaryFiles.sweep(parent);
            TemporaryFiles.sweep(target);
            TemporaryFiles.sweep(blobDir(target));
            return new OciLayoutWriter(target, target, false);
        }
        Files.createDirectories(parent);
        TemporaryFiles.sweep(parent);
        Path work = TemporaryFiles.createDirectory(parent, target.getFileName().toString());
        try {
            Files.createDirectories(blobDir(work));
            Files.write(work.resolve("oci-layout"), OCI_LAYOUT_FILE);
        } catch (IOException | RuntimeException e) {
            TemporaryFiles.delete(work);
            throw e;
        }
        return new OciLayoutWriter(target, work, true);
    }

    /** Checks that an existing path may take a layout and makes it one: an OCI layout already, or an empty directory. */
    private static void prepareExisting(Path target, String shown) throws IOException {
        if (!Files.isDirectory(target)) {
            throw new FileAlreadyExistsException(shown, null, "exists and is not a directory; refusing to write a layout there");
        }
        if (Files.exists(target.resolve("oci-layout"), LinkOption.NOFOLLOW_LINKS)) {
            OciLayout.checkLayoutFile(target);
        } else {
            try (Stream<Path> entries = Files.list(target)) {
                if (entries.anyMatch(p -> !p.getFileName().toString().startsWith(TemporaryFiles.PREFIX))) {
                    throw new FileAlreadyExistsException(shown, null,
                            "is a non-empty directory that is not an OCI layout; refusing to write into it");
                }
            }
            Files.createDirectories(blobDir(target));
            replaceAtomically(target, "oci-layout", OCI_LAYOUT_FILE);
        }
        Files.createDirectories(blobDir(target));
    }

    /** The directory the layout ends up in. */
    public Path target() {
        return target;
    }

    /** A new, empty temporary file among the blobs, to be {@link #commitBlob committed} or dropped. */
    public Path newTempBlob() throws IOException {
        Path temp = TemporaryFiles.createFile(blobDir(workDir), "blob");
        tempFiles.add(temp);
        return temp;
    }

    /** A fresh name among the blobs for a temporary file that the caller creates itself. */
    public Path newTempBlobName() {
        Path temp = TemporaryFiles.newPath(blobDir(workDir), "blob");
        tempFiles.add(temp);
        return temp;
    }

    /**
     * Makes a temporary file, whose bytes have the digest {@code digest}, the blob of that digest:
     * an intact blob already there is kept and the temporary file dropped; a damaged one is replaced.
     */
    public void commitBlob(Path temp, Digest digest) throws IOException {
        try {
            if (hasIntactBlob(digest, Files.size(temp))) {
                Files.deleteIfExists(temp);
            } else {
                Files.move(temp, OciLayout.blobPath(workDir, digest), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
                intact.add(digest);
            }
        } finally {
            tempFiles.remove(temp);
            TemporaryFiles.release(temp);
        }
    }

    /** Writes a small blob (a config, a manifest) and returns its digest. */
    public Digest writeBlob(byte[] bytes) throws IOException {
        Digest digest = Digest.of(bytes);
        if (!hasIntactBlob(digest, bytes.length)) {
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

    /**
     * Whether the layout being written holds the blob of {@code digest} with {@code size} bytes and
     * that digest. A blob that is there but damaged (cut short, changed) is not held: it is replaced
     * when the blob is written.
     */
    public boolean hasIntactBlob(Digest digest, long size) throws IOException {
        if (intact.contains(digest)) {
            return true;
        }
        Path blob = OciLayout.blobPath(workDir, digest);
        if (!Files.isRegularFile(blob) || Files.size(blob) != size || !Digest.ofFile(blob).equals(digest)) {
            return false;
        }
        intact.add(digest);
        return true;
    }

    /**
     * Creates the blob of {@code digest} as a link to {@code file}, unless an intact blob is there
     * already; a damaged one is replaced by the link.
     */
    public void linkBlob(Path file, Digest digest, boolean symbolic) throws IOException {
        if (hasIntactBlob(digest, Files.size(file))) {
            return;
        }
        Path temp = newTempBlobName();
        try {
            Path absolute = file.toAbsolutePath().normalize();
            if (symbolic) {
                // Relative to where the blob will finally live, as the reference writer does.
                Path finalBlobDir = OciLayout.blobPath(target, digest).getParent();
                Files.createSymbolicLink(temp, finalBlobDir.relativize(absolute));
            } else {
                Files.createLink(temp, absolute);
            }
            Files.move(temp, OciLayout.blobPath(workDir, digest), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            intact.add(digest);
        } finally {
            Files.deleteIfExists(temp);
            tempFiles.remove(temp);
            TemporaryFiles.release(temp);
        }
    }

    /**
     * Records the manifest in the index and makes the layout visible. The index is merged: with
     * {@code tag}, the tag moves to this manifest; without one, the manifest is added unless the
     * index lists it already. Every other entry stays.
     */
    public void commit(Descriptor manifest, String tag) throws IOException {
        Descriptor entry = tag == null ? manifest : manifest.withAnnotations(Map.of(MediaTypes.REF_NAME_ANNOTATION, tag));
        if (!fresh) {
            updateIndex(target, entry, tag);
            committed = true;
            return;
        }
        replaceAtomically(workDir, "index.json", GoCompatibleJson.write(Index.of(List.of(entry))));
        try {
            Renames.moveNoReplace(workDir, target);
            TemporaryFiles.release(workDir);
        } catch (FileAlreadyExistsException e) {
            // Another writer made the layout while this one was writing: join it.
            prepareExisting(target, target.toString());
            mergeBlobsInto(target);
            updateIndex(target, entry, tag);
            TemporaryFiles.delete(workDir);
        }
        committed = true;
    }

    /** Moves every blob of the temporary directory into the layout {@code dir}, keeping intact ones there. */
    private void mergeBlobsInto(Path dir) throws IOException {
        try (DirectoryStream<Path> blobs = Files.newDirectoryStream(blobDir(workDir))) {
            for (Path blob : blobs) {
                Path destination = blobDir(dir).resolve(blob.getFileName());
                Digest digest = Digest.parse(Digest.ALGORITHM + ":" + blob.getFileName());
                boolean keep = Files.isRegularFile(destination) && Files.size(destination) == Files.size(blob)
                        && Digest.ofFile(destination).equals(digest);
                if (!keep) {
                    Files.move(blob, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Reads, merges and writes back the index of the layout {@code dir} under its lock. */
    private static void updateIndex(Path dir, Descriptor entry, String tag) throws IOException {
        try (FileLock lock = FileLock.acquire(dir.resolve("oci-layout"))) {
            List<Descriptor> existing = Files.exists(dir.resolve("index.json"), LinkOption.NOFOLLOW_LINKS)
                    ? OciLayout.open(dir).index().manifests() : List.of();
            replaceAtomically(dir, "index.json", GoCompatibleJson.write(Index.of(merged(existing, entry, tag))));
        }
    }

    /** The index entries after adding {@code entry}: see {@link #commit}. */
    static List<Descriptor> merged(List<Descriptor> existing, Descriptor entry, String tag) {
        List<Descriptor> entries = new ArrayList<>();
        boolean listed = false;
        for (Descriptor d : existing) {
            if (tag != null && tag.equals(d.annotation(MediaTypes.REF_NAME_ANNOTATION))) {
                continue;
            }
            listed |= d.digest().equals(entry.digest());
            entries.add(d);
        }
        if (tag != null || !listed) {
            entries.add(entry);
        }
        return entries;
    }

    /** Drops everything not committed: temporary blobs, or the whole temporary directory. */
    @Override
    public void close() throws IOException {
        if (committed) {
            return;
        }
        if (fresh) {
            TemporaryFiles.delete(workDir);
        } else {
            for (Path temp : List.copyOf(tempFiles)) {
                Files.deleteIfExists(temp);
                TemporaryFiles.release(temp);
            }
        }
    }

    private static Path blobDir(Path layout) {
        return layout.resolve("blobs").resolve(Digest.ALGORITHM);
    }

    private static void replaceAtomically(Path dir, String name, byte[] bytes) throws IOException {
        Path temp = TemporaryFiles.createFile(dir, name);
        try {
            Files.write(temp, bytes);
            Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
            TemporaryFiles.release(temp);
        }
    }
}
