package dev.osimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.osimg.testing.TestOs;
import dev.osimg.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
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
        assertThat(run.err()).containsPattern(MARKER + "entry=\\S+ partuuid=\\S+ params=node-params-7");
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
}
