package dev.osimg.sign;

import dev.osimg.digest.Digest;
import dev.osimg.oci.Descriptor;
import dev.osimg.oci.Manifest;
import java.io.IOException;
import java.util.List;

/**
 * Where the signatures of images live: the same repository of a registry, or the same layout
 * directory. Only the storage primitives; {@link Signatures} finds and appends through them.
 */
public interface SignatureStore {
    /** Where the signatures are, for messages. */
    String location();

    /** The manifest tagged {@code tag}, or null when there is none. */
    Manifest tagged(String tag) throws IOException;

    /**
     * The manifests whose {@code subject} is {@code digest} (OCI 1.1 referrers). Null when this
     * store cannot list them (a registry without the referrers API, such as distribution 2.8).
     */
    List<Manifest> referrers(Digest digest) throws IOException;

    /** A blob named by a signature layer, checked against its digest; refused above {@code maxSize}. */
    byte[] blob(Descriptor descriptor, long maxSize) throws IOException;

    /** Stores the payloads of {@code newLayers}, then the config and the manifest of {@code built} under {@code tag}. */
    void put(String tag, List<SignatureLayer> newLayers, SignatureManifest.Built built) throws IOException;
}
