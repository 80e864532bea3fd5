package dev.osimg.registry;

import dev.osimg.blob.Blob;
import dev.osimg.blob.DigestMismatchException;
import dev.osimg.oci.Descriptor;
import dev.osimg.digest.Digest;
import dev.osimg.oci.ImageReference;
import dev.osimg.oci.Manifest;
import dev.osimg.oci.MediaTypes;
import dev.osimg.oci.ManifestImage;
import java.io.IOException;
import java.io.InputStream;

/**
 * An image manifest fetched from a registry (or one of its mirrors), its digest verified; blobs
 * are streamed on demand, resuming broken downloads.
 */
public final class RegistryImage extends ManifestImage {
    private final RegistryRepository repository;
    private final RegistryRepository origin;

    private RegistryImage(ImageReference.Registry reference, RegistryRepository repository, RegistryRepository origin,
            byte[] bytes, Digest digest, Manifest manifest) {
        super(reference.toString(), digest, bytes, manifest);
        this.repository = repository;
        this.origin = origin;
    }

    /**
     * Fetches the manifest from {@code repository}: by tag when there is one (caches show tags),
     * else by digest; with a digest in the reference, the bytes must match it.
     */
    static RegistryImage fetch(ImageReference.Registry reference, RegistryRepository repository, RegistryRepository origin)
            throws IOException {
        String location = reference.toString();
        String ask = reference.tag() != null ? reference.tag() : reference.digest() != null ? reference.digest().toString() : "latest";
        RegistryRepository.FetchedManifest fetched = repository.getManifest(ask);
        if (reference.digest() != null && !reference.digest().equals(fetched.digest())) {
            throw new DigestMismatchException(location + ": manifest from " + repository.host(), reference.digest(), fetched.digest());
        }
        if (MediaTypes.IMAGE_INDEX.equals(fetched.mediaType()) || fetched.mediaType().endsWith("manifest.list.v2+json")) {
            throw new IOException(location + " names an image index (" + fetched.mediaType()
                    + "), not an image manifest; osimg reads OS image manifests only");
        }
        Manifest manifest = Manifest.parse(fetched.bytes(), location + ": manifest " + fetched.digest());
        return new RegistryImage(reference, repository, origin, fetched.bytes(), fetched.digest(), manifest);
    }

    /** The media type to send when putting this manifest elsewhere. */
    public String manifestMediaType() {
        return manifest().mediaType() == null || manifest().mediaType().isEmpty() ? MediaTypes.IMAGE_MANIFEST : manifest().mediaType();
    }

    /** The repository the manifest came from (a mirror or the named registry). */
    public RegistryRepository repository() {
        return repository;
    }

    @Override
    public Blob blob(Descriptor descriptor) throws IOException {
        if (descriptor.size() < 0) {
            throw new IOException(location() + ": blob " + descriptor.digest() + " has a negative size (" + descriptor.size() + ")");
        }
        return new Blob() {
            @Override
            public long size() {
                return descriptor.size();
            }

            @Override
            public InputStream open() throws IOException {
                try {
                    return repository.openBlob(descriptor);
                } catch (RegistryException e) {
                    if (repository == origin || !(e instanceof RegistryNotFoundException || e.status() == 0)) {
                        throw e;
                    }
                    // A pull-through mirror may lack a blob it has not cached, or have gone away; the named registry has it.
                    return origin.openBlob(descriptor);
                }
            }

            @Override
            public InputStream openRange(long offset, long length) throws IOException {
                Blob.checkRange(offset, length, descriptor.size());
                try {
                    return repository.openBlobRange(descriptor, offset, length);
                } catch (RegistryNotFoundException e) {
                    if (repository == origin) {
                        throw e;
                    }
                    return origin.openBlobRange(descriptor, offset, length);
                }
            }
        };
    }
}
