package dev.osimg.cli;

import dev.osimg.json.GoCompatibleJson;
import dev.osimg.oci.Index;
import dev.osimg.oci.Manifest;
import dev.osimg.osimage.OsImageConfig;
import java.util.Set;

/**
 * Builds Jackson's deserializers for the format's documents (index, manifest, OS image config) on
 * another core while picocli sets up the command on the main thread. Jackson builds each one by
 * reflection the first time a type is read, 50-100 ms at the start of every command that opens an
 * image; the readers it leaves in the mappers' caches are what the command's own reads then find.
 * Nothing depends on it: a failure here only means the command builds them itself.
 */
final class JsonWarmUp {
    /** Commands that read no index, manifest or config. */
    private static final Set<String> NO_IMAGE = Set.of("help", "version", "generate-key-pair",
            "login", "logout", "tags");

    private JsonWarmUp() {
    }

    /** Starts the warm-up on a daemon thread, unless the command line is one that reads no image. */
    static void startFor(String... args) {
        if (readsNoImage(args)) {
            return;
        }
        Thread.ofPlatform().daemon().name("osimg-json-warm-up").start(() -> {
            try {
                GoCompatibleJson.mapper().readerFor(Index.class);
                GoCompatibleJson.mapper().readerFor(Manifest.class);
                GoCompatibleJson.goDecoder().readerFor(OsImageConfig.class);
            } catch (RuntimeException | LinkageError e) {
                // The command reads (and reports) for itself.
            }
        });
    }

    private static boolean readsNoImage(String... args) {
        for (String arg : args) {
            if (arg.equals("--version") || arg.equals("-V") || arg.equals("--help") || arg.equals("-h")) {
                return true;
            }
            if (!arg.startsWith("-")) {
                return NO_IMAGE.contains(arg);
            }
        }
        return true;
    }
}
