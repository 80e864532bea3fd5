package dev.osimg.cli;

import picocli.CommandLine.Option;

/** The output options every command shares: {@code --json} and {@code -q/--quiet}. */
final class OutputOptions {
    @Option(names = "--json", description = "Print the result as one JSON document on stdout (no progress).")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "Print only the result, no progress: for scripts.")
    boolean quiet;

    /** True when nothing but the result may be printed: no progress, no phase lines. */
    boolean silent() {
        return json || quiet;
    }
}
