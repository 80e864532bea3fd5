package dev.osimg.cli;

import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * The output options every command shares: {@code --json} and {@code -q/--quiet}. What {@code -q} prints is the one
 * result a script wants from that command, and its help says which ({@link #describeQuiet}).
 */
final class OutputOptions {
    /** For commands whose only result is their exit code. */
    static final String NOTHING = "nothing";

    /** What {@code -q} prints, by command; its help text is made from this. */
    static final Map<String, String> QUIET_RESULTS = Map.ofEntries(
            Map.entry("build", "the manifest digest"),
            Map.entry("inspect", "the manifest digest"),
            Map.entry("verify", "the manifest digest"),
            Map.entry("copy", "the manifest digest"),
            Map.entry("push", "the manifest digest"),
            Map.entry("pull", "the manifest digest"),
            Map.entry("delete", "the deleted manifest's digest"),
            Map.entry("tags", "the tags, one per line"),
            Map.entry("install", "the disk image or device written"),
            Map.entry("update", "the slot written (a or b)"),
            Map.entry("status", "the active slot (a or b)"),
            Map.entry("rollback", "the slot the next boot starts (a or b)"),
            Map.entry("commit", NOTHING),
            Map.entry("sign", "the signed manifest digest"),
            Map.entry("generate-key-pair", "the public key file (for verify --key)"),
            Map.entry("launch", "the serial console only, without osimg's own lines (the exit code says whether --expect matched)"),
            Map.entry("login", NOTHING),
            Map.entry("logout", NOTHING));

    @Option(names = "--json", description = "Print the result as one JSON document on stdout (no progress).")
    boolean json;

    @Option(names = {"-q", "--quiet"},
            description = "Print only the result, no progress: for scripts.")
    boolean quiet;

    /** True when nothing but the result may be printed: no progress, no phase lines. */
    boolean silent() {
        return json || quiet;
    }

    /**
     * Makes the {@code -q} help of {@code command} say what it prints there: the option is replaced by a copy with that
     * text (picocli's options are immutable), and the options after it are added again behind it to keep their order.
     */
    static void describeQuiet(CommandLine command) {
        String result = QUIET_RESULTS.get(command.getCommandName());
        CommandSpec spec = command.getCommandSpec();
        OptionSpec quiet = spec.findOption("--quiet");
        if (result == null || quiet == null) {
            return;
        }
        String text = result.equals(NOTHING) ? "Print nothing, not even progress: the exit code says whether it worked."
                : "Print only " + result + ", no progress: for scripts.";
        List<OptionSpec> options = spec.options();
        List<OptionSpec> after = List.copyOf(options.subList(options.indexOf(quiet) + 1, options.size())).stream()
                .filter(o -> o.group() == null).toList();
        spec.remove(quiet);
        after.forEach(spec::remove);
        spec.addOption(OptionSpec.builder(quiet).description(text).build());
        after.forEach(spec::addOption);
    }
}
