package dev.osimg.sign;

import java.io.IOException;

/** A key file that cannot be used: not PEM, another algorithm or curve, wrong password, damaged. */
public final class KeyFormatException extends IOException {
    public KeyFormatException(String message) {
        super(message);
    }

    public KeyFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
