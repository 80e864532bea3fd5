package dev.osimg.sign;

import dev.osimg.digest.Digest;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks that a manifest digest carries a signature by one of the trusted keys: a layer whose
 * signature verifies over its payload bytes with the key, and whose payload names exactly that
 * digest. Any other outcome is a {@link SignatureVerificationException} saying what was found.
 */
public final class SignatureVerifier {
    private SignatureVerifier() {
    }

    /** The signature that passed: which key, its payload, where it was found. */
    public record Verified(VerificationKey key, SimpleSigningPayload payload, String where) {
    }

    /**
     * Verifies {@code digest} (the manifest of {@code imageLocation}) against {@code keys} (any
     * one suffices) with the signatures in {@code store}.
     */
    public static Verified verify(SignatureStore store, Digest digest, String imageLocation, List<VerificationKey> keys)
            throws IOException {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no key to verify signatures with");
        }
        Signatures.Lookup lookup = Signatures.find(store, digest);
        String image = imageLocation + " (" + digest + ")";
        String keyNames = keys.size() == 1 ? "key " + keys.getFirst().name()
                : "any of the keys " + keys.stream().map(VerificationKey::name).collect(Collectors.joining(", "));
        if (lookup.found().isEmpty()) {
            throw new SignatureVerificationException(image + " is not signed: " + store.location() + " has no signature tag "
                    + SignatureManifest.tag(digest) + (lookup.referrersListed() ? " and no signature among its referrers" : ""));
        }
        Set<String> problems = new LinkedHashSet<>();
        String otherDigest = null;
        for (Signatures.Found found : lookup.found()) {
            if (found.payload() == null) {
                problems.add("a signature payload could not be read (" + found.problem() + ")");
                continue;
            }
            VerificationKey signer = signer(found, keys);
            if (signer == null) {
                problems.add("a signature does not verify with " + keyNames + " (another key made it, or its payload was altered)");
                continue;
            }
            SimpleSigningPayload payload;
            try {
                payload = SimpleSigningPayload.parse(found.payload());
            } catch (IOException e) {
                problems.add("a signature by " + signer.name() + " covers an unusable payload: " + e.getMessage());
                continue;
            }
            if (!payload.imageDigest().equals(digest)) {
                otherDigest = image + ": the signature by " + signer.name() + " in " + found.where() + " is for "
                        + payload.imageDigest() + ", not for this image";
                continue;
            }
            return new Verified(signer, payload, found.where());
        }
        if (otherDigest != null) {
            // The most telling reason: a valid signature moved over from another image.
            throw new SignatureVerificationException(otherDigest);
        }
        int n = lookup.found().size();
        throw new SignatureVerificationException("no signature of " + image + " verifies with " + keyNames + ": " + n
                + (n == 1 ? " signature" : " signatures") + " in " + store.location() + "; " + String.join("; ", problems));
    }

    private static VerificationKey signer(Signatures.Found found, List<VerificationKey> keys) {
        String annotation = found.layer().annotation(SignatureManifest.SIGNATURE_ANNOTATION);
        if (annotation == null) {
            return null;
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(annotation);
        } catch (IllegalArgumentException e) {
            return null;
        }
        for (VerificationKey key : keys) {
            try {
                Signature ecdsa = Signature.getInstance("SHA256withECDSA");
                ecdsa.initVerify(key.key());
                ecdsa.update(found.payload());
                if (ecdsa.verify(der)) {
                    return key;
                }
            } catch (GeneralSecurityException e) {
                // A malformed DER signature verifies with no key.
            }
        }
        return null;
    }
}
