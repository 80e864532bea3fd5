package dev.osimg.transfer;

/** Hears what a delta transfer decides and does; the library prints nothing, callers report it. */
public interface DeltaListener {
    /** Hears nothing. */
    DeltaListener NONE = new DeltaListener() {
    };

    /** The plan, before anything is fetched. */
    default void planned(DeltaPlan plan) {
    }

    /** A payload is fetched whole after all, for this reason (the registry ignored or refused a range). */
    default void fallback(String payload, String reason) {
    }

    /** {@code bytes} more bytes came from the registry or local data. */
    default void progress(long bytes) {
    }
}
