package dev.osimg.registry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the peer tools the tests compare against (skopeo, htpasswd) and fails with their output. */
final class Tools {
    static final Path SKOPEO = Path.of("/usr/bin/skopeo");
    static final Path HTPASSWD = Path.of("/usr/bin/htpasswd");

    private Tools() {
    }

    /** Runs a command, returns stdout; a non-zero exit fails with stdout and stderr. */
    static String run(List<String> command) throws IOException, InterruptedException {
        DistributionRegistry.require(Path.of(command.getFirst()), command.getFirst());
        Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " timed out");
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(command + " exited " + p.exitValue() + ": " + new String(out, StandardCharsets.UTF_8)
                    + new String(err, StandardCharsets.UTF_8));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** skopeo with its policy check relaxed (no signature policy file is needed for tests). */
    static String skopeo(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(SKOPEO.toString(), "--insecure-policy"));
        command.addAll(List.of(args));
        return run(command);
    }
}
