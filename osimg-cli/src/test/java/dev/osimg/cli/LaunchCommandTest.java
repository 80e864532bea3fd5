package dev.osimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.osimg.testing.TestOs;
import dev.osimg.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code osimg launch} booting the test OS in QEMU/OVMF (TCG here): one VM, a cluster, and the ways it ends. */
class LaunchCommandTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String MARKER = "OSIMG-TEST-OS 42 version=launch-1 ";

    @TempDir
    static Path fixtures;

    @TempDir
    Path dir;

    private static String image;

    @BeforeAll
    static void buildImage() throws Exception {
        TestOs.kernel(fixtures.resolve("kernel.efi"), "launch-1");
        byte[] system = new byte[2 << 20];
        new Random(3).nextBytes(system);
        Files.write(fixtures.resolve("system"), system);
        InstallCommandTest.Run build = InstallCommandTest.osimg("build", "-q", "-o", fixtures.resolve("img").toString(),
                "--variant", "x86_64", "--compression", "none",
                "-p", "kernel.efi=" + fixtures.resolve("kernel.efi"), "-p", "system=" + fixtures.resolve("system"));
        assertThat(build.exitCode()).as(build.err()).isZero();
        image = "oci:" + fixtures.resolve("img");
    }

    @Test
    void bootsOneVmUntilTheExpectedLineWithParametersThroughFwCfgAndOnTheEsp() throws Exception {
        Path params = dir.resolve("parameters.pb");
        Files.writeString(params, "node-params-7");
        Path keep = dir.resolve("kept");
        InstallCommandTest.Run run = InstallCommandTest.osimg("launch", image, "--expect", MARKER, "--timeout", "300",
                "--memory", "256", "--node-parameters", params.toString(), "--tpm", "--keep", keep.toString(), "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        // osimg's A/B loader (the install default) started slot A and said so through the Boot Loader Interface.
        assertThat(run.err()).containsPattern(MARKER + "entry=boot-a.efi partuuid=\\S+ params=node-params-7");
        JsonNode doc = JSON.readTree(run.out());
        assertThat(doc.get("outcome").asText()).isEqualTo("matched");
        assertThat(doc.get("disk_build_seconds").asDouble()).isPositive();
        JsonNode node = doc.get("nodes").get(0);
        assertThat(node.get("first_serial_byte_seconds").asDouble()).isPositive();
        assertThat(node.get("match_seconds").asDouble()).isGreaterThan(node.get("first_serial_byte_seconds").asDouble());
        // The ESP copy of the parameters, and the TPM state that OVMF's TPM start-up made swtpm write.
        assertThat(Tools.ok("mtype", "-i", keep.resolve("disk.img") + "@@1M", "::metropolis/parameters.pb"))
                .isEqualTo("node-params-7");
        assertThat(keep.resolve("tpm/tpm2-00.permall")).isNotEmptyFile();
        assertThat(keep.resolve("OVMF_VARS_4M.fd")).hasSize(Files.size(TestOs.OVMF_VARS));
    }

    @Test
    void bootsAClusterOfThreeWhoseNodesReachEachOtherAndPrefixesEachNodesLines() throws Exception {
        // The test OS pings a peer over the cluster network when its parameters ask (node 1 pings node 2, the
        // others node 1), so the expected line proves guest-to-guest traffic in both directions.
        Path params = Files.writeString(dir.resolve("cluster-parameters"), TestOs.PING_PEERS);
        InstallCommandTest.Run run = InstallCommandTest.osimg("launch", image, "--nodes", "3", "--expect",
                "OSIMG-TEST-OS-NET", "--node-parameters", params.toString(), "--timeout", "600", "--memory", "200",
                "--work-dir", dir.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        for (String node : List.of("01", "02", "03")) {
            assertThat(run.out()).containsPattern("(?m)^" + node + "\\| " + MARKER + "entry=\\S+ partuuid=\\S+ params="
                    + TestOs.PING_PEERS + "$");
        }
        assertThat(run.out()).contains("01| OSIMG-TEST-OS-NET node=1 reached=10.99.0.2",
                "02| OSIMG-TEST-OS-NET node=2 reached=10.99.0.1", "03| OSIMG-TEST-OS-NET node=3 reached=10.99.0.1");
        assertThat(run.out().lines()).allMatch(l -> l.matches("0[123]\\| .*"));
        assertThat(run.err()).contains("starting the VMs (").contains("every VM printed a line matching --expect");
        assertThat(workDirectories()).isEmpty();
    }

    @Test
    void timesOutWithTheLastSerialLinesAndStopsTheVm() throws Exception {
        // What a SIGKILLed launch left in the same place (its owner's PID is gone) is swept by this one.
        Path killed = Files.createDirectories(dir.resolve(dev.osimg.launch.Launcher.WORK_DIR_PREFIX + "killed"));
        Process gone = new ProcessBuilder("sleep", "60").start();
        long started = gone.toHandle().info().startInstant().orElseThrow().toEpochMilli();
        gone.destroy();
        gone.waitFor();
        String ours = dev.osimg.linux.TemporaryFiles.ownerStamp();
        Files.writeString(killed.resolve(dev.osimg.launch.Launcher.OWNER_FILE),
                ours.substring(0, ours.indexOf('-')) + "-" + gone.pid() + "-" + Long.toHexString(started));
        Files.write(killed.resolve("disk.img"), new byte[1 << 16]);
        InstallCommandTest.Run run = InstallCommandTest.osimg("launch", image, "--expect", "never printed", "--timeout", "8",
                "--memory", "128", "--work-dir", dir.toString());
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.err()).contains("osimg: error: no serial line matched --expect 'never printed' after --timeout 8 s");
        // What the firmware printed in 8 s depends on the machine's load; that the report shows it does not.
        assertThat(run.err()).containsAnyOf("last serial lines of the VM:\n", "the VM printed nothing")
                .doesNotContain("terminating on signal");
        assertThat(workDirectories()).isEmpty();
        assertThat(ProcessHandle.current().descendants()).noneMatch(p -> p.info().command().orElse("").contains("qemu"));
    }

    @Test
    void refusesATakenPortAnImageWithoutKernelAndAFullKeepDirectory() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InstallCommandTest.Run run = InstallCommandTest.osimg("launch", image, "--publish", taken.getLocalPort() + ":22",
                    "--work-dir", dir.toString());
            assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
            assertThat(run.err()).startsWith("osimg: error: --publish 127.0.0.1:" + taken.getLocalPort() + ":22: host port "
                    + taken.getLocalPort() + " on 127.0.0.1 is not available");
        }
        InstallCommandTest.Run build = InstallCommandTest.osimg("build", "-q", "-o", dir.resolve("nokernel").toString(),
                "--variant", "x86_64", "-p", "system=" + fixtures.resolve("system"));
        assertThat(build.exitCode()).as(build.err()).isZero();
        InstallCommandTest.Run noKernel = InstallCommandTest.osimg("launch", dir.resolve("nokernel").toString(),
                "--work-dir", dir.toString());
        assertThat(noKernel.exitCode()).isEqualTo(ExitCodes.INVALID_IMAGE);
        assertThat(noKernel.err()).contains("has no payload \"kernel.efi\" (the UEFI program the VM boots); it has [\"system\"]");
        Path keep = Files.createDirectories(dir.resolve("keep"));
        Files.writeString(keep.resolve("mine"), "x");
        InstallCommandTest.Run notEmpty = InstallCommandTest.osimg("launch", image, "--keep", keep.toString());
        assertThat(notEmpty.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(notEmpty.err()).contains(keep + " (--keep) is not empty");
        assertThat(Files.list(keep).toList()).containsExactly(keep.resolve("mine"));
        InstallCommandTest.Run publishCluster = InstallCommandTest.osimg("launch", image, "--nodes", "2", "--publish", "2222:22");
        assertThat(publishCluster.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(workDirectories()).isEmpty();
    }

    private List<Path> workDirectories() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("osimg-launch-")).toList();
        }
    }
}
