package dev.osimg.disk;

import java.io.IOException;

/** A disk's partition table is missing or damaged. */
public final class GptException extends IOException {
    private static final long serialVersionUID = 1L;

    /** An exception saying what is wrong, and where. */
    public GptException(String message) {
        super(message);
    }
}
