package dev.osimg.sign;

import dev.osimg.digest.Digest;
import dev.osimg.oci.Descriptor;
import java.util.Base64;
import java.util.Map;

/**
 * One signature as stored: the simple-signing payload blob's descriptor, whose annotation
 * {@value SignatureManifest#SIGNATURE_ANNOTATION} holds the base64 DER signature, and the payload bytes.
 */
public record SignatureLayer(Descriptor descriptor, byte[] payload) {
    /** A new layer for a payload and its DER signature. */
    public static SignatureLayer of(byte[] payload, byte[] signatureDer) {
        Descriptor d = Descriptor.of(SignatureManifest.SIMPLE_SIGNING_MEDIA_TYPE, Digest.of(payload), payload.length)
                .withAnnotations(Map.of(SignatureManifest.SIGNATURE_ANNOTATION, Base64.getEncoder().encodeToString(signatureDer)));
        return new SignatureLayer(d, payload.clone());
    }

    /** The base64 signature annotation, or null. */
    public String signature() {
        return descriptor.annotation(SignatureManifest.SIGNATURE_ANNOTATION);
    }

    /** Whether two layers carry the same payload and the same signature (a copy need not add it twice). */
    boolean sameAs(Descriptor other) {
        return descriptor.digest().equals(other.digest()) && signature() != null
                && signature().equals(other.annotation(SignatureManifest.SIGNATURE_ANNOTATION));
    }
}
