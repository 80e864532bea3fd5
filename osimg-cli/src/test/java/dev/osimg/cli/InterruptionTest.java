package dev.osimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osimg.registry.DistributionRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs interrupted by signals, killed, raced and refused by the file system, as users meet them. */
class InterruptionTest {
    @TempDir
    static Path fixtures;

    @TempDir
    Path dir;

    private static Path bigPayload;
    private static Path smallPayload;

    @BeforeAll
    static void payloads() throws IOException {
        byte[] bytes = new byte[32 << 20];
        new Random(7).nextBytes(bytes);
        bigPayload = Files.write(fixtures.resolve("big"), bytes);
        smallPayload = Files.write(fixtures.resolve("small"), new byte[] {1, 2, 3});
    }

    private static List<String> entries(Path d) throws IOException {
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    /** Waits until {@code dir} holds a temporary entry of a running osimg. */
    private static void awaitTemporary(Path d, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (entries(d).stream().noneMatch(n -> n.startsWith(".osimg-tmp-") || n.startsWith("osimg-build-"))) {
            assertThat(process.isAlive()).as("osimg still running").isTrue();
            assertThat(System.nanoTime()).as("a temporary appears in " + d).isLessThan(deadline);
            Thread.sleep(20);
        }
        // Let it write into the temporary for a moment.
        Thread.sleep(300);
    }

    private static void signal(Process process, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(process.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("osimg ends on SIG" + signal).isTrue();
    }

    @Test
    void sigintAndSigtermRemoveWhatTheRunWasWriting() throws Exception {
        CliRunner.requireSigintDelivered();
        for (String signal : List.of("INT", "TERM")) {
            Path parent = Files.createDirectories(dir.resolve(signal));
            Process build = CliRunner.start(List.of(), Map.of(), List.of(), "build", "-q", "-o",
                    parent.resolve("layout").toString(), "-p", "system=" + bigPayload, "--compression", "zstd:19");
            awaitTemporary(parent, build);
            signal(build, signal);
            assertThat(entries(parent)).as("after SIG" + signal).isEmpty();
        }
    }

    @Test
    void aKilledBuildForARegistryLeavesNothingInTmpdirAndTheNextRunSweepsItsStaging() throws Exception {
        Path tmpdir = Files.createDirectories(dir.resolve("tmpdir"));
        Path cache = Files.createDirectories(dir.resolve("cache"));
        Map<String, String> env = Map.of("XDG_CACHE_HOME", cache.toString());
        List<String> jvm = List.of("-Djava.io.tmpdir=" + tmpdir);
        try (DistributionRegistry registry = DistributionRegistry.start(dir.resolve("registry"), null)) {
            Process build = CliRunner.start(List.of(), env, jvm, "build", "-q", "-o", registry.host() + "/os/killed:v1",
                    "-p", "system=" + bigPayload, "--compression", "zstd:19");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (entries(cache.resolve("osimg")).isEmpty()) {
                assertThat(build.isAlive()).isTrue();
                assertThat(System.nanoTime()).isLessThan(deadline);
                Thread.sleep(20);
            }
            Thread.sleep(300);
            build.destroyForcibly();
            assertThat(build.waitFor(30, TimeUnit.SECONDS)).isTrue();
            // What it left in java.io.tmpdir (zstd's native library) is in a directory named for its owner.
            assertThat(entries(tmpdir)).as("java.io.tmpdir after SIGKILL").allMatch(n -> n.startsWith(".osimg-tmp-"));
            assertThat(entries(cache.resolve("osimg"))).as("the killed run's staging").hasSize(1);

            CliRunner.Result next = CliRunner.finish(CliRunner.start(List.of(), env, jvm, "build", "-q", "-o",
                    registry.host() + "/os/next:v1", "-p", "system=" + smallPayload));
            assertThat(next.exitCode()).as(next.err()).isZero();
            assertThat(entries(cache.resolve("osimg"))).as("staging after the next run").isEmpty();
            assertThat(entries(tmpdir)).isEmpty();
        }
    }

    @Test
    void concurrentCopiesIntoOneLayoutKeepEveryTag() throws Exception {
        Path source = dir.resolve("source");
        List<String> tags = List.of("a", "b", "c", "d");
        for (int i = 0; i < tags.size(); i++) {
            Path p = Files.write(dir.resolve("p" + i), new byte[] {(byte) i, 2, 3});
            assertThat(Main.run("build", "-q", "-o", source.toString(), "--tag", tags.get(i), "-p", "system=" + p,
                    "--compression", "none")).isZero();
        }
        Path destination = dir.resolve("destination");
        List<Process> copies = new java.util.ArrayList<>();
        for (String tag : tags) {
            copies.add(CliRunner.start(List.of(), Map.of(), List.of(), "copy", "-q", "oci:" + source + ":" + tag,
                    "oci:" + destination));
        }
        for (Process copy : copies) {
            CliRunner.Result result = CliRunner.finish(copy);
            assertThat(result.exitCode()).as(result.err()).isZero();
        }
        String index = Files.readString(destination.resolve("index.json"));
        for (String tag : tags) {
            assertThat(index).contains("\"org.opencontainers.image.ref.name\": \"" + tag + "\"");
        }
        assertThat(entries(dir).stream().filter(n -> n.startsWith("."))).isEmpty();
    }

    @Test
    void aLayoutThatCannotBeReadSaysPermissionDenied() throws Exception {
        Path owned = Files.createDirectories(dir.resolve("owned"));
        Path layout = owned.resolve("layout");
        CliRunner.Result built = CliRunner.run("build", "-q", "-o", layout.toString(), "-p", "system=" + smallPayload);
        assertThat(built.exitCode()).as(built.err()).isZero();
        // Another user's private directory: root without its power to override file permissions meets it as others do.
        new ProcessBuilder("chown", "nobody", owned.toString()).start().waitFor();
        new ProcessBuilder("chmod", "700", owned.toString()).start().waitFor();
        List<String> withoutOverride = List.of("setpriv", "--bounding-set=-dac_override,-dac_read_search");
        CliRunner.Result inspected = CliRunner.finish(CliRunner.start(withoutOverride, Map.of(), List.of(), "inspect",
                "oci:" + layout));
        assertThat(inspected.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(inspected.err()).contains("permission denied").doesNotContain("no oci-layout").doesNotContain("no such");
    }
}
