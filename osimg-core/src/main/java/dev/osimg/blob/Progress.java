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

    /**
     * {@code item} (a blob) of {@code bytes} bytes in the current step was not processed: the destination
     * already had it ({@code reason}: {@code exists}, or {@code mounted} from another repository).
     */
    default void skipped(String item, long bytes, String reason) {
        advance(bytes);
    }

    /** The current step is over: it ended, or it failed (the caller then throws). */
    default void end() {
    }
}
