package dev.osimg.cli;

import dev.osimg.ab.SlotChanges;
import dev.osimg.install.LoaderState;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code osimg rollback}: makes the other slot active, or boots it once. */
@Command(name = "rollback", sortOptions = false,
        description = {"Make the other slot active again.",
            "",
            "Makes the other slot active (the one not running, or offline the one not active); refused when it holds "
                    + "no image. --once boots it once and leaves the active slot as it is."})
final class RollbackCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @CommandLine.Mixin
    AbTargetOptions target;

    @Option(names = "--once", description = "Boot the other slot once instead of making it active.")
    boolean once;

    @CommandLine.Mixin
    OutputOptions output;

    @Override
    public Integer call() throws IOException {
        try (AbTargetOptions.Opened opened = target.open(true)) {
            LoaderState state = SlotChanges.rollback(opened.disk(), opened.running(), once);
            String name = opened.disk().name();
            StateOutput.print(spec.commandLine().getOut(), output, name, state, once
                    ? "The next boot of " + name + " starts slot " + state.nextSlot() + " once, then slot " + state.activeSlot() + " again."
                    : "Rolled back " + name + ": slot " + state.activeSlot() + " is active, every boot starts it.",
                    state.bootsNext().letter());
        }
        return ExitCodes.OK;
    }
}
