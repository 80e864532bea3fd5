package dev.osimg.osimage;

/** An OS image that breaks a rule of the format; the message names the field and the value. */
public final class OsImageFormatException extends dev.osimg.oci.InvalidImageException {
    public OsImageFormatException(String message) {
        super(message);
    }

    public OsImageFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
