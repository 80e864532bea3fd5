package dev.osimg.launch;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How a launch ended and how long each step took.
 *
 * @param outcome       how it ended
 * @param accelerator   KVM or TCG
 * @param kvmProblem    why KVM was not used, when it was probed and failed
 * @param diskBuildNanos time to build every disk (and variable store), from the start of the launch
 * @param nodes         each VM, in order
 * @param kept          the directory holding the disks, when kept
 * @param totalNanos    the whole launch, VMs stopped and files removed included
 */
public record LaunchResult(Outcome outcome, Accelerator accelerator, Optional<String> kvmProblem, long diskBuildNanos,
                           List<NodeResult> nodes, Optional<Path> kept, long totalNanos) {
    /** How a launch ended. */
    public enum Outcome {
        /** Every VM printed a line matching the expected pattern. */
        MATCHED,
        /** Every VM stopped by itself (no pattern was expected). */
        EXITED,
        /** A VM stopped before printing a matching line. */
        STOPPED_EARLY,
        /** The timeout passed first. */
        TIMED_OUT
    }

    public LaunchResult {
        nodes = List.copyOf(nodes);
    }

    /** Whether the launch did what was asked: the pattern matched, or every VM exited with status 0. */
    public boolean succeeded() {
        return outcome == Outcome.MATCHED
                || outcome == Outcome.EXITED && nodes.stream().allMatch(n -> n.exitCode().orElse(-1) == 0);
    }
}
