package dev.osimg.registry;

import dev.osimg.blob.Blob;
import dev.osimg.blob.DigestMismatchException;
import dev.osimg.blob.Progress;
import dev.osimg.oci.BlobOutcome;
import dev.osimg.oci.Descriptor;
import dev.osimg.digest.Digest;
import dev.osimg.oci.ImageReference;
import dev.osimg.oci.MediaTypes;
import dev.osimg.oci.OciImage;
import java.io.IOException;

/**
 * Pushes an image to a registry repository: blobs the registry lacks (mounted from the source
 * repository when it is in the same registry), then the manifest by tag, or by digest when the
 * reference has no tag. The registry checks every blob digest on upload.
 */
public final class RegistrySink implements dev.osimg.oci.ImageSink {
    private final ImageReference.Registry reference;
    private final RegistryRepository repository;

    public RegistrySink(RegistryClient client, ImageReference.Registry reference) throws IOException {
        this.reference = reference;
        this.repository = client.repository(reference.host(), reference.repository());
    }

    @Override
    public String location() {
        return reference.toString();
    }

    @Override
    public BlobOutcome putBlob(OciImage source, Descriptor descriptor, Blob blob, Progress progress) throws IOException {
        RegistryRepository mountFrom = source instanceof RegistryImage image ? image.repository() : null;
        return repository.pushBlob(descriptor, blob, mountFrom, progress);
    }

    @Override
    public Descriptor putManifest(OciImage source) throws IOException {
        byte[] bytes = source.manifestBytes();
        String mediaType = source.manifest().mediaType() == null || source.manifest().mediaType().isEmpty()
                ? MediaTypes.IMAGE_MANIFEST : source.manifest().mediaType();
        Digest digest = Digest.of(bytes);
        if (reference.digest() != null && !reference.digest().equals(digest)) {
            throw new DigestMismatchException("pushing " + source.location() + " to " + location()
                    + ": the destination names another digest", reference.digest(), digest);
        }
        repository.putManifest(reference.tag() != null ? reference.tag() : digest.toString(), mediaType, bytes);
        return Descriptor.of(mediaType, digest, bytes.length);
    }

    @Override
    public void close() {
        // Nothing to drop: a registry shows an image only once its manifest is put.
    }
}
