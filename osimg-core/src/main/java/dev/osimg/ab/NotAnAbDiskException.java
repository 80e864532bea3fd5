package dev.osimg.ab;

import java.io.IOException;

/** The disk is not one osimg installed: no ESP, or no system slots A and B, in its partition table. */
public final class NotAnAbDiskException extends IOException {
    /** With the message naming the disk and what is missing. */
    public NotAnAbDiskException(String message) {
        super(message);
    }
}
