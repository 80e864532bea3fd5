package dev.osimg.sign;

import java.io.IOException;

/** An image failed the signature check: unsigned, signed by another key, or signed for another digest. */
public final class SignatureVerificationException extends IOException {
    public SignatureVerificationException(String message) {
        super(message);
    }
}
