package dev.osimg.launch;

import java.io.IOException;

/** A launch that cannot start or did not succeed: what is missing or what went wrong, and what to do. */
public class LaunchException extends IOException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message for the user. */
    public LaunchException(String message) {
        super(message);
    }

    /** An exception with a message for the user and its cause. */
    public LaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
