package dev.osimg.sign;

import dev.osimg.digest.Digest;
import dev.osimg.oci.Descriptor;
import dev.osimg.oci.Manifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Finds the signatures of a manifest in a store (the {@code .sig} tag and OCI 1.1 referrers) and
 * appends new ones to the tag, keeping every signature already there.
 */
public final class Signatures {
    /** A simple-signing payload is a few hundred bytes; nothing larger is read into memory. */
    public static final long MAX_PAYLOAD = 1 << 20;

    private Signatures() {
    }

    /** A signature layer found for an image: its payload, or (payload null) why it could not be read. */
    public record Found(String where, Descriptor layer, byte[] payload, String problem) {
    }

    /** What a look-up found; {@code referrersListed} is false where the store has no referrers API. */
    public record Lookup(List<Found> found, boolean referrersListed) {
    }

    /** Every signature layer of the manifest {@code digest}, from the tag form and the referrers form. */
    public static Lookup find(SignatureStore store, Digest digest) throws IOException {
        List<Found> found = new ArrayList<>();
        String tag = SignatureManifest.tag(digest);
        Manifest tagged = store.tagged(tag);
        if (tagged != null) {
            collect(store, tagged, store.location() + ":" + tag, found);
        }
        List<Manifest> referrers = store.referrers(digest);
        if (referrers != null) {
            for (Manifest m : referrers) {
                collect(store, m, store.location() + " (referrer of " + digest.shortHex() + ")", found);
            }
        }
        return new Lookup(List.copyOf(found), referrers != null);
    }

    private static void collect(SignatureStore store, Manifest manifest, String where, List<Found> found) {
        if (manifest.layers() == null) {
            return;
        }
        for (Descriptor layer : manifest.layers()) {
            if (!SignatureManifest.SIMPLE_SIGNING_MEDIA_TYPE.equals(layer.mediaType())
                    || found.stream().anyMatch(f -> f.layer().digest().equals(layer.digest())
                            && Objects.equals(f.layer().annotation(SignatureManifest.SIGNATURE_ANNOTATION),
                                    layer.annotation(SignatureManifest.SIGNATURE_ANNOTATION)))) {
                continue;
            }
            try {
                found.add(new Found(where, layer, store.blob(layer, MAX_PAYLOAD), null));
            } catch (IOException e) {
                found.add(new Found(where, layer, null, e.getMessage()));
            }
        }
    }

    /**
     * Adds signature layers to the {@code .sig} manifest of {@code digest} (creating it), after the
     * ones it has; a layer with the same payload and signature is not added twice. Returns how
     * many were added.
     */
    public static int append(SignatureStore store, Digest digest, List<SignatureLayer> layers) throws IOException {
        String tag = SignatureManifest.tag(digest);
        Manifest existing = store.tagged(tag);
        List<Descriptor> all = new ArrayList<>(existing == null || existing.layers() == null ? List.of() : existing.layers());
        List<SignatureLayer> added = new ArrayList<>();
        for (SignatureLayer layer : layers) {
            if (all.stream().noneMatch(layer::sameAs)) {
                all.add(layer.descriptor());
                added.add(layer);
            }
        }
        if (!added.isEmpty()) {
            store.put(tag, added, SignatureManifest.build(all));
        }
        return added.size();
    }

    /** Copies the readable signatures of {@code digest} from one store to another; returns how many were added. */
    public static int copy(SignatureStore from, SignatureStore to, Digest digest) throws IOException {
        List<SignatureLayer> layers = find(from, digest).found().stream()
                .filter(f -> f.payload() != null)
                .map(f -> new SignatureLayer(f.layer(), f.payload()))
                .toList();
        return layers.isEmpty() ? 0 : append(to, digest, layers);
    }
}
