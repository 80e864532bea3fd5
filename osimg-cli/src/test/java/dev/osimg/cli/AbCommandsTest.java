package dev.osimg.cli;

import static dev.osimg.cli.InstallCommandTest.osimg;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.osimg.cli.InstallCommandTest.Run;
import dev.osimg.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** osimg update, commit, rollback and status on disk image files: the lifecycle, the output, and every refusal. */
class AbCommandsTest {
    static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path fixtures;

    @TempDir
    Path dir;

    static String v1;
    static String v2;
    static String v3;
    static String tooLarge;
    static Path loader;

    @BeforeAll
    static void buildImages() throws Exception {
        loader = fixtures.resolve("loader.efi");
        Files.write(loader, random(60_000, 99));
        v1 = build(fixtures, 1, 2 << 20);
        v2 = build(fixtures, 2, 3 << 20);
        v3 = build(fixtures, 3, 1 << 20);
        tooLarge = build(fixtures, 4, (8 << 20) + 1);
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Builds version {@code version} of a test OS (random kernel and system) and returns its reference. */
    static String build(Path into, int version, int systemSize) throws Exception {
        Path payloads = Files.createDirectories(into.resolve("payloads-" + version));
        TestKernel.write(payloads.resolve("kernel.efi"), 200_000 + version, version);
        Files.write(payloads.resolve("system"), random(systemSize, 100 + version));
        Path out = into.resolve("v" + version);
        Run build = osimg("build", "-q", "-o", out.toString(), "--name", "Test OS", "--version", version + ".0",
                "--variant", "x86_64", "--compression", "zstd:1", "-p", "kernel.efi=" + payloads.resolve("kernel.efi"),
                "-p", "system=" + payloads.resolve("system"));
        assertThat(build.exitCode()).as(build.err()).isZero();
        return "oci:" + out;
    }

    /** Installs v1 with the stand-in loader onto a new disk file: ESP 40, slots 8 MiB, no data partition. */
    static Path install(Path dir, String image) throws Exception {
        return install(dir, image, loader);
    }

    static Path install(Path dir, String image, Path loader) throws Exception {
        Path disk = dir.resolve("disk.img");
        Run run = osimg("install", image, "--disk", disk.toString(), "--loader", loader.toString(), "--esp-size", "40",
                "--system-size", "8", "--data-size", "0", "-q");
        assertThat(run.exitCode()).as(run.err()).isZero();
        return disk;
    }

    static JsonNode status(String... target) throws Exception {
        String[] args = new String[target.length + 2];
        args[0] = "status";
        args[1] = "--json";
        System.arraycopy(target, 0, args, 2, target.length);
        Run run = osimg(args);
        assertThat(run.exitCode()).as(run.err()).isZero();
        return JSON.readTree(run.out());
    }

    static void ok(Run run) {
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
    }

    /** A refusal: one line on stderr naming the problem, the exit code, and the disk left byte for byte as it was. */
    static void refused(Path disk, int exitCode, String message, String... args) throws Exception {
        byte[] before = Files.readAllBytes(disk);
        Run run = osimg(args);
        assertThat(run.exitCode()).as(run.err()).isEqualTo(exitCode);
        assertThat(run.err()).startsWith("osimg: error: ").contains(message).doesNotContain("Exception").hasLineCount(1);
        assertThat(Files.readAllBytes(disk)).as("the disk after: osimg " + String.join(" ", args)).isEqualTo(before);
    }

    @Test
    void updateCommitRollbackAndStatusOnADiskFile() throws Exception {
        Path disk = install(dir, v1);
        String d = disk.toString();
        JsonNode s = status("--disk", d);
        assertThat(s.get("state").get("active").asText()).isEqualTo("a");
        assertThat(s.get("state").get("next").isNull()).isTrue();
        assertThat(s.get("boots_next").asText()).isEqualTo("a");
        assertThat(s.get("loader").get("path").asText()).isEqualTo("/EFI/BOOT/BOOTx64.EFI");
        assertThat(s.get("loader").get("direct_boot").asBoolean()).isFalse();
        assertThat(s.get("loader").get("osimg_loader").asBoolean()).as("a stand-in loader").isFalse();
        assertThat(s.get("slots").get(0).get("image").get("version").asText()).isEqualTo("1.0");
        assertThat(s.get("slots").get(0).get("image").get("written_by").asText()).isEqualTo("install");
        assertThat(s.get("slots").get(1).get("holds_image").asBoolean()).isFalse();
        assertThat(s.get("slots").get(1).get("image").isNull()).isTrue();

        Run update = osimg("update", v2, "--disk", d);
        ok(update);
        assertThat(update.out()).contains("Updated slot B of " + d).contains("Test OS 2.0")
                .contains("The next boot starts slot B once");
        assertThat(update.err()).contains("system  done").contains("kernel  done").contains("state   done");
        s = status("--disk", d);
        assertThat(s.get("state").get("next").asText()).isEqualTo("b");
        assertThat(s.get("boots_next").asText()).isEqualTo("b");
        assertThat(s.get("slots").get(1).get("image").get("version").asText()).isEqualTo("2.0");
        assertThat(s.get("slots").get(1).get("image").get("written_by").asText()).isEqualTo("update");

        Run text = osimg("status", "--disk", d);
        ok(text);
        assertThat(text.out()).contains("state    active A, next B").contains("boots    B next (once), then A")
                .contains("Test OS 1.0").contains("Test OS 2.0").contains("[active]");

        ok(osimg("commit", "--disk", d, "--slot", "b"));
        s = status("--disk", d);
        assertThat(s.get("state").get("active").asText()).isEqualTo("b");
        assertThat(s.get("state").get("next").isNull()).isTrue();

        Run once = osimg("rollback", "--disk", d, "--once", "--json");
        ok(once);
        assertThat(JSON.readTree(once.out()).get("next").asText()).isEqualTo("a");
        assertThat(JSON.readTree(once.out()).get("active").asText()).isEqualTo("b");
        Run back = osimg("rollback", "--disk", d);
        ok(back);
        assertThat(back.out()).contains("slot A is active");

        Run committed = osimg("update", v3, "--disk", d, "--commit", "--json", "-q");
        ok(committed);
        JsonNode doc = JSON.readTree(committed.out());
        assertThat(doc.get("slot").asText()).isEqualTo("b");
        assertThat(doc.get("active").asText()).isEqualTo("b");
        assertThat(doc.get("next").isNull()).isTrue();
        assertThat(status("--disk", d).get("slots").get(1).get("image").get("version").asText()).isEqualTo("3.0");

        assertThat(Tools.ok("sgdisk", "-v", d)).contains("No problems found");
    }

    @Test
    void quietPrintsTheOneResultAScriptWants() throws Exception {
        Path disk = install(dir, v1);
        String d = disk.toString();
        assertThat(quiet("status", "--disk", d)).isEqualTo("a\n");
        assertThat(quiet("update", v2, "--disk", d)).isEqualTo("b\n");
        assertThat(quiet("status", "--disk", d)).as("the active slot, not the one booted once").isEqualTo("a\n");
        assertThat(quiet("commit", "--disk", d, "--slot", "b")).isEmpty();
        assertThat(quiet("status", "--disk", d)).isEqualTo("b\n");
        assertThat(quiet("rollback", "--disk", d, "--once")).isEqualTo("a\n");
        assertThat(quiet("status", "--disk", d)).isEqualTo("b\n");
        assertThat(quiet("rollback", "--disk", d)).isEqualTo("a\n");
        assertThat(quiet("status", "--disk", d)).isEqualTo("a\n");
        for (String command : new String[] {"status", "commit", "rollback", "update", "sign", "launch"}) {
            String help = osimg(command, "--help").out();
            assertThat(help).as(command).contains("--json").contains("-q, --quiet").containsPattern("Print (only|nothing)");
        }
        assertThat(osimg("status", "--help").out().replaceAll("\\s+", " ")).contains("Print only the active slot (a or b)");
        assertThat(osimg("commit", "--help").out().replaceAll("\\s+", " "))
                .contains("Print nothing, not even progress: the exit code says whether it worked.");
    }

    /** Runs a command with -q: it must succeed, print nothing on stderr, and what it prints on stdout is returned. */
    private static String quiet(String... args) throws Exception {
        String[] withQ = java.util.Arrays.copyOf(args, args.length + 1);
        withQ[args.length] = "-q";
        Run run = osimg(withQ);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).as("osimg %s", String.join(" ", withQ)).isEmpty();
        return run.out();
    }

    @Test
    void badInputGetsOneLineAnExitCodeAndNoWrite() throws Exception {
        Path disk = install(dir, v1);
        String d = disk.toString();
        refused(disk, 1, "payload \"system\" is 8388609 bytes (9 MiB) but slot B (METROPOLIS-SYSTEM-B)", "update", tooLarge,
                "--disk", d);
        refused(disk, 1, "cannot commit slot B of " + d + ": it holds no image", "commit", "--disk", d, "--slot", "b");
        refused(disk, 1, "cannot roll back to slot B", "rollback", "--disk", d);
        refused(disk, 2, "An offline disk needs --slot a or --slot b", "commit", "--disk", d);
        refused(disk, 2, "--slot c: a slot is a or b", "commit", "--disk", d, "--slot", "c");

        Path blank = dir.resolve("blank.img");
        Files.write(blank, new byte[2 << 20]);
        refused(blank, 1, blank + " is not an A/B disk installed by osimg", "update", v2, "--disk", blank.toString());
        refused(blank, 1, "is not an A/B disk installed by osimg", "status", "--disk", blank.toString());

        Path direct = dir.resolve("direct.img");
        ok(osimg("install", v1, "--disk", direct.toString(), "--direct-boot", "--esp-size", "40", "--system-size", "8", "--data-size",
                "0", "-q"));
        refused(direct, 1, "boots /EFI/BOOT/BOOTx64.EFI directly", "update", v2, "--disk", direct.toString());

        Path efivars = Files.createDirectories(dir.resolve("efivars"));
        refused(disk, 1, "the running system was not started by an A/B loader", "update", v2, "--efivarfs", efivars.toString());
    }
}
