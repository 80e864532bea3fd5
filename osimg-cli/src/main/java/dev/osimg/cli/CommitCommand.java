package dev.osimg.cli;

import dev.osimg.ab.SlotChanges;
import dev.osimg.install.LoaderState;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code osimg commit}: keeps a slot: makes it active and clears the one-shot next slot. */
@Command(name = "commit", sortOptions = false,
        description = {"Keep the slot that booted: mark it active.",
            "",
            "Marks a slot active and clears the one-shot next slot: on the running system the running slot, on an "
                    + "offline disk (--disk, --device) the slot given with --slot."})
final class CommitCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @CommandLine.Mixin
    AbTargetOptions target;

    @Option(names = "--slot", paramLabel = "a|b", description = "The slot to commit (offline disks).")
    String slot;

    @CommandLine.Mixin
    OutputOptions output;

    @Override
    public Integer call() throws IOException {
        Optional<LoaderState.Slot> requested = Optional.ofNullable(slot).map(s -> AbTargetOptions.slot(s, "--slot"));
        try (AbTargetOptions.Opened opened = target.open(true)) {
            LoaderState state = SlotChanges.commit(opened.disk(), opened.running(), requested);
            StateOutput.print(spec.commandLine().getOut(), output, opened.disk().name(), state,
                    "Committed slot " + state.activeSlot() + " of " + opened.disk().name() + ": every boot starts it.", null);
        }
        return ExitCodes.OK;
    }
}
