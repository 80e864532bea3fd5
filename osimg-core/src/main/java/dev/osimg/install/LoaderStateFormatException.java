package dev.osimg.install;

import java.io.IOException;

/** A state file {@code EFI/metropolis/loader_state.pb} that is not an {@code ABLoaderData} protobuf message. */
public final class LoaderStateFormatException extends IOException {
    /** An exception saying what is wrong and where in the file. */
    public LoaderStateFormatException(String message) {
        super(message);
    }
}
