package dev.osimg.ab;

import dev.osimg.install.LoaderState;

/**
 * The loader state found on the ESP, and whether the file was there and valid; a missing or corrupt file reads as the
 * loader reads it: slot A active.
 *
 * @param state     the state the loader acts on
 * @param condition whether the file is valid, missing or corrupt
 * @param problem   what is wrong with a corrupt file, else empty
 */
public record StateFile(LoaderState state, Condition condition, String problem) {
    /** What was found at {@link AbDisk#STATE_PATH}. */
    public enum Condition {
        /** A valid state. */
        VALID,
        /** No file: the loader boots A. */
        MISSING,
        /** Bytes that are not a state: the loader boots A. */
        CORRUPT
    }
}
