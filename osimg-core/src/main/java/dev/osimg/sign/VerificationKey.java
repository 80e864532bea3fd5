package dev.osimg.sign;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;

/** A public key that signatures are checked with, and the name (its file) messages use for it. */
public record VerificationKey(String name, PublicKey key) {
    /** Reads a PKIX {@code PUBLIC KEY} PEM file. */
    public static VerificationKey read(Path file) throws IOException {
        return new VerificationKey(file.toString(), KeyFiles.readPublicKey(file));
    }
}
