package dev.osimg.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs skopeo for the CLI tests; a missing tool fails the test (CI installs it), never skips it. */
final class DistributionTools {
    private DistributionTools() {
    }

    static String skopeo(String... args) throws Exception {
        Path skopeo = Path.of("/usr/bin/skopeo");
        if (!Files.isExecutable(skopeo)) {
            throw new AssertionError("skopeo is missing: install the Debian package skopeo (see scripts/install-test-deps)");
        }
        List<String> command = new ArrayList<>(List.of(skopeo.toString(), "--insecure-policy"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(command + " failed: " + output);
        }
        return output;
    }
}
