package dev.osimg.cli;

import dev.osimg.install.Profile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --profile NAME}: which names and type GUIDs an installed disk gets. Without it, the
 * {@code profile} key of the config file ({@code /etc/osimg/config.toml}, or {@code $OSIMG_CONFIG}),
 * else {@code metropolis}.
 */
final class ProfileOption {
    /** Where the config file is unless {@code OSIMG_CONFIG} names another. */
    static final Path DEFAULT_CONFIG = Path.of("/etc/osimg/config.toml");

    @Option(names = "--profile", paramLabel = "NAME",
            description = "Partition names and types: metropolis (the default) or generic (Discoverable Partitions "
                    + "Specification types, neutral names). Default from the profile key of /etc/osimg/config.toml.")
    String profile;

    /** The profile in effect and where it came from. */
    record Choice(Profile profile, String source) {
    }

    Choice resolve() throws IOException {
        if (profile != null) {
            return new Choice(Profile.of(profile), "--profile");
        }
        String env = System.getenv("OSIMG_CONFIG");
        Path config = env == null || env.isEmpty() ? DEFAULT_CONFIG : Path.of(env);
        if (!Files.exists(config)) {
            return new Choice(Profile.METROPOLIS, "default");
        }
        String value = ConfigFile.read(config).get("profile");
        if (value == null) {
            return new Choice(Profile.METROPOLIS, "default");
        }
        try {
            return new Choice(Profile.of(value), config.toString());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(config + ": " + e.getMessage());
        }
    }

    /** The keys the config file may hold. */
    static final List<String> KEYS = List.of("profile");
}
