package dev.osimg.digest;

/** A digest string that is not {@code sha256:} plus 64 lowercase hex digits. */
public final class InvalidDigestException extends IllegalArgumentException {
    public InvalidDigestException(String message) {
        super(message);
    }
}
