package dev.osimg.cli;

import static dev.osimg.cli.AbCommandsTest.ok;
import static dev.osimg.cli.AbCommandsTest.status;
import static dev.osimg.cli.InstallCommandTest.osimg;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.osimg.testing.TestOs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole A/B lifecycle on one disk, each step proven by booting it in QEMU with OVMF (software emulation): osimg's
 * own loader starts the test OS, whose init reports its version and the slot the loader selected. Seven boots.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AbCycleBootTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(240);

    @TempDir
    static Path dir;

    static Path disk;
    static String d;
    static String v1;
    static String v2;
    static String v3;

    @BeforeAll
    static void buildAndInstall() throws Exception {
        TestOs.requireTools();
        v1 = image(1);
        v2 = image(2);
        v3 = image(3);
        disk = dir.resolve("disk.img");
        d = disk.toString();
        ok(osimg("install", v1, "--disk", d, "--esp-size", "40", "--system-size", "8", "--data-size", "0", "-q"));
    }

    /** Version {@code n} of the test OS as an image: its kernel reports {@code v<n>}. */
    private static String image(int n) throws Exception {
        Path payloads = Files.createDirectories(dir.resolve("payloads-" + n));
        TestOs.kernel(payloads.resolve("kernel.efi"), "v" + n);
        Files.write(payloads.resolve("system"), AbCommandsTest.random(1 << 20, n));
        Path out = dir.resolve("image-" + n);
        ok(osimg("build", "-q", "-o", out.toString(), "--name", "Test OS", "--version", String.valueOf(n), "--variant",
                "x86_64", "--compression", "none", "-p", "kernel.efi=" + payloads.resolve("kernel.efi"),
                "-p", "system=" + payloads.resolve("system")));
        return "oci:" + out;
    }

    /** Boots the disk on a machine with fresh firmware variables and returns what the test OS reported. */
    private static TestOs.Report boot() throws Exception {
        return TestOs.boot(disk, TestOs.freshVars(dir), TIMEOUT).requireReport();
    }

    private static void assertBoots(String version, String slot) throws Exception {
        TestOs.Report report = boot();
        assertThat(report.version()).as("version booted").isEqualTo(version);
        assertThat(report.entry()).as("LoaderEntrySelected").isEqualTo("boot-" + slot + ".efi");
    }

    @Test
    @Order(1)
    void theInstalledDiskBootsSlotA() throws Exception {
        JsonNode s = status("--disk", d);
        assertThat(s.get("loader").get("osimg_loader").asBoolean()).isTrue();
        assertThat(s.get("loader").get("direct_boot").asBoolean()).isFalse();
        assertBoots("v1", "a");
    }

    @Test
    @Order(2)
    void anUpdateBootsSlotBOnceAndTheLoaderClearsNext() throws Exception {
        ok(osimg("update", v2, "--disk", d, "-q"));
        assertThat(status("--disk", d).get("state").get("next").asText()).isEqualTo("b");
        assertBoots("v2", "b");
        JsonNode s = status("--disk", d);
        assertThat(s.get("state").get("active").asText()).isEqualTo("a");
        assertThat(s.get("state").get("next").isNull()).as(s.toString()).isTrue();
        assertThat(s.get("boots_next").asText()).isEqualTo("a");
    }

    @Test
    @Order(3)
    void withoutCommitTheNextBootReturnsToSlotA() throws Exception {
        assertBoots("v1", "a");
    }

    @Test
    @Order(4)
    void aCommittedUpdateBootsSlotBForGood() throws Exception {
        ok(osimg("update", v2, "--disk", d, "-q"));
        assertBoots("v2", "b");
        ok(osimg("commit", "--disk", d, "--slot", "b"));
        assertBoots("v2", "b");
    }

    @Test
    @Order(5)
    void theNextUpdateLandsInSlotAAndRollbackReturnsToB() throws Exception {
        ok(osimg("update", v3, "--disk", d, "--commit", "-q"));
        JsonNode s = status("--disk", d);
        assertThat(s.get("slots").get(0).get("image").get("version").asText()).isEqualTo("3");
        assertBoots("v3", "a");
        ok(osimg("rollback", "--disk", d));
        assertBoots("v2", "b");
        assertThat(status("--disk", d).get("state").get("active").asText()).isEqualTo("b");
    }
}
