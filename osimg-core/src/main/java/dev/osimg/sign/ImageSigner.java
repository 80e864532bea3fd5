package dev.osimg.sign;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.List;

/** Signs a manifest digest: ECDSA P-256 with SHA-256 over the simple-signing payload, appended to the store. */
public final class ImageSigner {
    private ImageSigner() {
    }

    /** Makes the signature layer for {@code payload} with {@code key} (DER signature, base64 annotation). */
    public static SignatureLayer signatureLayer(PrivateKey key, SimpleSigningPayload payload) throws IOException {
        byte[] bytes = payload.toBytes();
        try {
            Signature ecdsa = Signature.getInstance("SHA256withECDSA");
            ecdsa.initSign(key);
            ecdsa.update(bytes);
            return SignatureLayer.of(bytes, ecdsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot sign with this key: " + e.getMessage(), e);
        }
    }

    /** Signs and appends the signature to the image's {@code .sig} manifest in {@code store}. */
    public static SignatureLayer sign(SignatureStore store, PrivateKey key, SimpleSigningPayload payload) throws IOException {
        SignatureLayer layer = signatureLayer(key, payload);
        Signatures.append(store, payload.imageDigest(), List.of(layer));
        return layer;
    }
}
