package dev.osimg.blob;

/** Receives progress of a long operation; the library never prints, callers show this. */
public interface Progress {
    /** Does nothing. */
    Progress NONE = new Progress() {
    };

    /** A new step began that will process {@code totalBytes} bytes (-1 if unknown). */
    default void begin(String step, long totalBytes) {
    }

    /** {@code bytes} more bytes were processed in the current step. */
    default void advance(long bytes) {
    }

    /** The current step is done. */
    default void end() {
    }
}
