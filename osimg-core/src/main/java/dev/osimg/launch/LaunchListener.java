package dev.osimg.launch;

/** Receives what a launch shows: notices for the user and each VM's serial console. Called from several threads. */
public interface LaunchListener {
    /** Shows nothing. */
    LaunchListener NONE = new LaunchListener() {
    };

    /** Something the user should know, one line (for example: KVM is not usable, TCG is used instead). */
    default void notice(String message) {
    }

    /** The disks are built ({@code disksBuiltNanos} after the start) and the VMs are being started with {@code accelerator}. */
    default void starting(Accelerator accelerator, long disksBuiltNanos) {
    }

    /** Bytes node {@code node} (1-based) wrote to its serial console, as they come. */
    default void serialData(int node, byte[] data, int length) {
    }

    /** A complete line of node {@code node}'s serial console, without its line ending. */
    default void serialLine(int node, String line) {
    }
}
