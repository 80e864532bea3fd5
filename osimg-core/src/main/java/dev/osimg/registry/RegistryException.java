package dev.osimg.registry;

import java.io.IOException;
import java.util.List;

/** A registry answered with an error status; carries the status and the distribution error codes. */
public class RegistryException extends IOException {
    private final int status;
    private final List<String> codes;

    public RegistryException(String message, int status, List<String> codes) {
        super(message);
        this.status = status;
        this.codes = List.copyOf(codes);
    }

    public RegistryException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.codes = List.of();
    }

    /** The HTTP status, or 0 when the request never got an answer. */
    public int status() {
        return status;
    }

    /** The {@code code} of each entry of the error body ({@code MANIFEST_UNKNOWN}, ...). */
    public List<String> codes() {
        return codes;
    }
}
