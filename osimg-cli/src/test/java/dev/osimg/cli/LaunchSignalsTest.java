package dev.osimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever ends {@code osimg launch} (SIGTERM, Ctrl-C's SIGINT, even SIGKILL), no QEMU or swtpm it started
 * survives it. The VMs need not boot for this: the command is signalled once its processes run.
 */
class LaunchSignalsTest {
    @TempDir
    static Path fixtures;

    @TempDir
    Path dir;

    private static String image;

    @BeforeAll
    static void buildImage() throws Exception {
        Random random = new Random(5);
        byte[] kernel = new byte[300_000];
        random.nextBytes(kernel);
        Files.write(fixtures.resolve("kernel.efi"), kernel);
        byte[] system = new byte[1 << 20];
        random.nextBytes(system);
        Files.write(fixtures.resolve("system"), system);
        InstallCommandTest.Run build = InstallCommandTest.osimg("build", "-q", "--any-payload", "-o", fixtures.resolve("img").toString(),
                "--variant", "x86_64", "-p", "kernel.efi=" + fixtures.resolve("kernel.efi"), "-p", "system=" + fixtures.resolve("system"));
        assertThat(build.exitCode()).as(build.err()).isZero();
        image = "oci:" + fixtures.resolve("img");
    }

    @Test
    void sigtermStopsEveryVmAndRemovesTheWorkDirectory() throws Exception {
        List<ProcessHandle> children = launchAndSignal("TERM", 2);
        // The two VMs were on one private segment: the same multicast group on loopback, each its own MAC.
        List<String> netdevs = children.stream().map(LaunchSignalsTest::arguments)
                .map(a -> a.get(a.indexOf("-netdev") + 1)).distinct().toList();
        assertThat(netdevs).hasSize(1).allMatch(n -> n.matches("socket,id=net0,mcast=239\\.[0-9.]+:\\d+,localaddr=127\\.0\\.0\\.1"));
        assertThat(children.stream().map(LaunchSignalsTest::arguments).map(a -> a.get(a.indexOf("-netdev") + 3)))
                .containsExactlyInAnyOrder("virtio-net-pci,netdev=net0,mac=52:54:00:6f:73:01", "virtio-net-pci,netdev=net0,mac=52:54:00:6f:73:02");
        assertThat(children).noneMatch(ProcessHandle::isAlive);
        assertThat(workDirectories()).isEmpty();
    }

    @Test
    void sigintStopsTheVmAndItsTpmAndRemovesTheWorkDirectory() throws Exception {
        CliRunner.requireSigintDelivered();
        List<ProcessHandle> children = launchAndSignal("INT", 1, "--tpm");
        assertThat(children).noneMatch(ProcessHandle::isAlive);
        assertThat(workDirectories()).isEmpty();
    }

    @Test
    void sigkillOfTheJvmStillTakesTheVmsDown() throws Exception {
        List<ProcessHandle> children = launchAndSignal("KILL", 2);
        assertThat(children).noneMatch(ProcessHandle::isAlive);
    }

    /**
     * Starts {@code osimg launch} with {@code nodes} VMs, waits until their QEMUs run (and swtpm, with --tpm),
     * sends {@code signal} to the JVM, waits for it to exit and returns the processes it had started, given a few
     * seconds to go.
     */
    private List<ProcessHandle> launchAndSignal(String signal, int nodes, String... more) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("launch", image, "--nodes", Integer.toString(nodes),
                "--accel", "tcg", "--memory", "128", "--work-dir", dir.toString()));
        args.addAll(List.of(more));
        Path log = dir.resolve("osimg.log");
        Process osimg = new ProcessBuilder(CliRunner.command(List.of(), args.toArray(String[]::new)))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        List<ProcessHandle> children;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                children = osimg.descendants().toList();
                long qemus = children.stream().filter(p -> command(p).contains("qemu-system")).count();
                if (qemus == nodes) {
                    break;
                }
                assertThat(osimg.isAlive()).as("osimg exited early: %s", read(log)).isTrue();
                assertThat(System.nanoTime()).as("no %d QEMUs after 60 s: %s", nodes, read(log)).isLessThan(deadline);
                Thread.sleep(50);
            }
            if (more.length > 0) {
                assertThat(children).anyMatch(p -> command(p).contains("swtpm"));
            }
            arguments.clear();
            children.forEach(p -> arguments.put(p, List.of(p.info().arguments().orElse(new String[0]))));
            new ProcessBuilder("kill", "-" + signal, Long.toString(osimg.pid())).start().waitFor();
            assertThat(osimg.waitFor(30, TimeUnit.SECONDS)).as("osimg still runs after SIG%s", signal).isTrue();
        } finally {
            osimg.destroyForcibly();
        }
        for (ProcessHandle p : children) {
            p.onExit().get(10, TimeUnit.SECONDS);
        }
        return children;
    }

    /** The command-line arguments of each process seen, taken while it ran. */
    private static final java.util.Map<ProcessHandle, List<String>> arguments = new java.util.concurrent.ConcurrentHashMap<>();

    private static List<String> arguments(ProcessHandle p) {
        return arguments.get(p);
    }

    private List<Path> workDirectories() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("osimg-launch-")).toList();
        }
    }

    private static String command(ProcessHandle p) {
        return p.info().command().orElse("");
    }

    private static String read(Path log) throws Exception {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }
}
