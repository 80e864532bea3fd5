package dev.osimg.cli;

import dev.osimg.blob.Progress;

/**
 * Progress of a command whose last step may only read "done" once the whole command worked: {@link #end()} also runs
 * when a step fails, and a manifest refused after its blobs went up fails the command after the blobs' step ended.
 */
interface CommandProgress extends Progress {
    /** Shows nothing. */
    CommandProgress NONE = new CommandProgress() {
    };

    /** The command succeeded: what it held back as "done" may be shown. */
    default void succeeded() {
    }
}
