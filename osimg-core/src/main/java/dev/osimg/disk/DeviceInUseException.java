package dev.osimg.disk;

import java.io.IOException;

/** A block device is mounted, holds a partition in use, or is otherwise busy, so it must not be written. */
public final class DeviceInUseException extends IOException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message saying which device and why. */
    public DeviceInUseException(String message) {
        super(message);
    }

    /** An exception with a message and the failure that revealed it. */
    public DeviceInUseException(String message, Throwable cause) {
        super(message, cause);
    }
}
