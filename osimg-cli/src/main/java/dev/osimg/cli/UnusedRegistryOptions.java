package dev.osimg.cli;

import java.util.List;

/**
 * A command with the shared registry options of which some mean nothing there, so its help does not offer them:
 * {@code --mirror} (a pull-through cache) where images are only written or no image is read, {@code --jobs} where no
 * blobs are transferred in parallel.
 */
interface UnusedRegistryOptions {
    /** Only images are written, to the named registry: no mirror is read. */
    List<String> WRITES_ONLY = List.of("--mirror");
    /** No blobs are copied in parallel. */
    List<String> NO_TRANSFERS = List.of("--jobs");
    /** Neither. */
    List<String> NEITHER = List.of("--mirror", "--jobs");

    /** The option names this command leaves out. */
    List<String> unusedRegistryOptions();

    /** Leaves the unused options out of {@code command}, if it names any. */
    static void remove(picocli.CommandLine command) {
        if (command.getCommand() instanceof UnusedRegistryOptions unused) {
            for (String name : unused.unusedRegistryOptions()) {
                command.getCommandSpec().remove(command.getCommandSpec().findOption(name));
            }
        }
    }
}
