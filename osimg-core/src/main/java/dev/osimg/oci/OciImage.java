package dev.osimg.oci;

import dev.osimg.digest.Digest;

import dev.osimg.blob.Blob;
import java.io.IOException;

/**
 * One resolved image manifest and access to its blobs, wherever it lives (a layout directory,
 * a registry). Code that consumes images only ever sees this interface.
 */
public interface OciImage {
    /** Where the image is, for messages: {@code oci:out/img:v1}, {@code registry.example/os:v1}. */
    String location();

    /** The digest of {@link #manifestBytes()}, already verified. */
    Digest manifestDigest();

    /** The manifest exactly as stored. */
    byte[] manifestBytes();

    /** The parsed manifest. */
    Manifest manifest();

    /** A blob of this image as stored (not verified; check its digest or its chunks). */
    Blob blob(Descriptor descriptor) throws IOException;
}
