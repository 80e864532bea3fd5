package dev.osimg.oci;

import dev.osimg.digest.Digest;

import dev.osimg.blob.Blob;
import dev.osimg.blob.DigestMismatchException;
import dev.osimg.blob.FileBlob;
import dev.osimg.blob.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * Writes an image into a layout directory through {@link OciLayoutWriter}: every blob is hashed
 * while it streams to a temporary file and renamed to its digest only when it matched; a new
 * directory appears (by rename) only after the manifest and the final check passed.
 */
public final class LayoutSink implements ImageSink {
    /** A last check of the staged image (for example every payload chunk) before it becomes visible. */
    public interface StagedCheck {
        void check(OciImage staged) throws IOException;
    }

    private static final int BUFFER_SIZE = 1 << 20;

    private final OciLayoutWriter writer;
    private final String tag;
    private final BlobTap tap;
    private final StagedCheck check;

    private LayoutSink(OciLayoutWriter writer, String tag, BlobTap tap, StagedCheck check) {
        this.writer = writer;
        this.tag = tag;
        this.tap = tap;
        this.check = check;
    }

    /**
     * Starts writing the layout {@code dir} (see {@link OciLayoutWriter#open}); {@code tag} may be
     * null. {@code tap} sees every blob's bytes as they are written; {@code check} runs last.
     */
    public static LayoutSink open(Path dir, String tag, BlobTap tap, StagedCheck check) throws IOException {
        return new LayoutSink(OciLayoutWriter.open(dir), tag, tap, check);
    }

    @Override
    public String location() {
        return "oci:" + writer.target() + (tag == null ? "" : ":" + tag);
    }

    @Override
    public BlobOutcome putBlob(OciImage source, Descriptor descriptor, Blob blob, Progress progress) throws IOException {
        if (writer.hasIntactBlob(descriptor.digest(), descriptor.size())) {
            return BlobOutcome.EXISTS;
        }
        Path temp;
        synchronized (writer) {
            temp = writer.newTempBlob();
        }
        String what = source.location() + ": blob " + descriptor.digest();
        long free = Files.getFileStore(temp).getUsableSpace();
        if (descriptor.size() > free) {
            Files.deleteIfExists(temp);
            throw new IOException(what + " is " + descriptor.size() + " bytes but the file system of " + writer.target()
                    + " has " + free + " bytes free; refused before downloading it");
        }
        BlobTap.Receiver receiver = tap.open(descriptor);
        try {
            Digest actual = stream(blob, temp, receiver, progress, what, descriptor.size());
            if (!actual.equals(descriptor.digest())) {
                throw new DigestMismatchException(what, descriptor.digest(), actual);
            }
            if (receiver != null) {
                receiver.complete();
            }
        } catch (IOException | RuntimeException e) {
            if (receiver != null) {
                receiver.abort(e);
            }
            Files.deleteIfExists(temp);
            throw e;
        }
        synchronized (writer) {
            writer.commitBlob(temp, descriptor.digest());
        }
        return BlobOutcome.COPIED;
    }

    /** Copies the blob into {@code temp}, hashing it and feeding the tap; returns the digest of what was written. */
    private static Digest stream(Blob blob, Path temp, BlobTap.Receiver receiver, Progress progress, String what, long size)
            throws IOException {
        MessageDigest sha256 = Digest.newSha256();
        long count = 0;
        try (InputStream in = blob.open(); FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            byte[] buffer = new byte[BUFFER_SIZE];
            int n;
            while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                sha256.update(buffer, 0, n);
                ByteBuffer bb = ByteBuffer.wrap(buffer, 0, n);
                while (bb.hasRemaining()) {
                    out.write(bb);
                }
                if (receiver != null) {
                    receiver.accept(buffer, 0, n);
                }
                count += n;
                progress.advance(n);
            }
        }
        if (count != size) {
            throw new IOException(what + " is " + count + " bytes, its descriptor says " + size);
        }
        return Digest.fromSha256(sha256.digest());
    }

    @Override
    public Descriptor putManifest(OciImage source) throws IOException {
        byte[] bytes = source.manifestBytes();
        Digest digest = writer.writeBlob(bytes);
        if (!digest.equals(source.manifestDigest())) {
            throw new DigestMismatchException(source.location() + ": manifest", source.manifestDigest(), digest);
        }
        String mediaType = source.manifest().mediaType() == null || source.manifest().mediaType().isEmpty()
                ? MediaTypes.IMAGE_MANIFEST : source.manifest().mediaType();
        Descriptor descriptor = Descriptor.of(mediaType, digest, bytes.length);
        if (source.manifest().artifactType() != null && !source.manifest().artifactType().isEmpty()) {
            descriptor = descriptor.withArtifactType(source.manifest().artifactType());
        }
        check.check(ManifestImage.of(location(), source.manifestDigest(), bytes, source.manifest(), this::stagedBlob));
        writer.commit(descriptor, tag);
        return descriptor;
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }

    /** A blob as staged so far, checked to have the descriptor's size. */
    private Blob stagedBlob(Descriptor descriptor) throws IOException {
        Path path = writer.stagedBlob(descriptor.digest());
        long size = Files.size(path);
        if (size != descriptor.size()) {
            throw new IOException(location() + ": blob " + descriptor.digest() + " is " + size + " bytes, its descriptor says "
                    + descriptor.size());
        }
        return new FileBlob(path, size);
    }
}
