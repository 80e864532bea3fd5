package dev.osimg.launch;

import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What one VM of a launch did; times are nanoseconds from the start of the launch.
 *
 * @param number          the node's number, from 1
 * @param diskReadyNanos  when its disk was built
 * @param startedNanos    when QEMU was started
 * @param firstSerialNanos when the first serial byte came, if one did
 * @param matchNanos      when a serial line matched the expected pattern, if one did
 * @param exitCode        QEMU's exit status when it exited by itself
 * @param lastLines       the last serial lines
 * @param qemuMessages    what QEMU itself printed (errors, warnings)
 */
public record NodeResult(int number, long diskReadyNanos, long startedNanos, OptionalLong firstSerialNanos,
                         OptionalLong matchNanos, OptionalInt exitCode, List<String> lastLines, List<String> qemuMessages) {
    public NodeResult {
        lastLines = List.copyOf(lastLines);
        qemuMessages = List.copyOf(qemuMessages);
    }

    /** The node's label, as serial lines of a cluster are prefixed ({@code 01}). */
    public String label() {
        return label(number);
    }

    /** The label of node {@code number}: two digits. */
    public static String label(int number) {
        return String.format("%02d", number);
    }
}
