package dev.osimg.oci;

import dev.osimg.blob.Blob;
import dev.osimg.digest.Digest;
import java.io.IOException;
import java.util.Objects;

/**
 * What every {@link OciImage} shares, as go-containerregistry's {@code partial} does: where it is,
 * the manifest bytes as stored, their verified digest and the parsed manifest. An implementation
 * only says how a blob is reached.
 */
public abstract class ManifestImage implements OciImage {
    /** How the blobs of an image are reached. */
    @FunctionalInterface
    public interface Blobs {
        /** The blob a descriptor names, as stored. */
        Blob blob(Descriptor descriptor) throws IOException;
    }

    private final String location;
    private final Digest digest;
    private final byte[] bytes;
    private final Manifest manifest;

    /** An image at {@code location} whose manifest is {@code bytes} (digest {@code digest}, already verified), parsed. */
    protected ManifestImage(String location, Digest digest, byte[] bytes, Manifest manifest) {
        this.location = Objects.requireNonNull(location);
        this.digest = Objects.requireNonNull(digest);
        this.bytes = bytes.clone();
        this.manifest = Objects.requireNonNull(manifest);
    }

    /** An image of this manifest whose blobs come from {@code blobs}. */
    public static OciImage of(String location, Digest digest, byte[] bytes, Manifest manifest, Blobs blobs) {
        return new ManifestImage(location, digest, bytes, manifest) {
            @Override
            public Blob blob(Descriptor descriptor) throws IOException {
                return blobs.blob(descriptor);
            }
        };
    }

    /** The manifest of {@code image}, at {@code location}, with its blobs reached through {@code blobs} instead. */
    public static OciImage withBlobs(OciImage image, String location, Blobs blobs) {
        return of(location, image.manifestDigest(), image.manifestBytes(), image.manifest(), blobs);
    }

    @Override
    public final String location() {
        return location;
    }

    @Override
    public final Digest manifestDigest() {
        return digest;
    }

    @Override
    public final byte[] manifestBytes() {
        return bytes.clone();
    }

    @Override
    public final Manifest manifest() {
        return manifest;
    }
}
