package dev.osimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstallCommandTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path fixtures;

    @TempDir
    Path dir;

    private static String image;

    /** The result of one CLI run. */
    record Run(int exitCode, String out, String err) {
    }

    static Run osimg(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static String tool(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
        return output;
    }

    @BeforeAll
    static void buildImage() throws Exception {
        byte[] kernel = new byte[400_000];
        new Random(1).nextBytes(kernel);
        Files.write(fixtures.resolve("kernel.efi"), kernel);
        byte[] system = new byte[3 << 20];
        new Random(2).nextBytes(system);
        Files.write(fixtures.resolve("system"), system);
        Run build = osimg("build", "-q", "-o", fixtures.resolve("img").toString(), "--variant", "x86_64", "--compression", "none",
                "-p", "kernel.efi=" + fixtures.resolve("kernel.efi"), "-p", "system=" + fixtures.resolve("system"));
        assertThat(build.exitCode()).as(build.err()).isZero();
        image = "oci:" + fixtures.resolve("img");
    }

    @Test
    void installsAndPrintsTheLayoutAndEachPhase() throws Exception {
        Path disk = dir.resolve("disk.img");
        Run run = osimg("install", image, "--disk", disk.toString(), "--esp-size", "40", "--system-size", "8",
                "--data-size", "4", "--size", "200M");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).doesNotContain("Direct boot")
                .contains("METROPOLIS-SYSTEM-A").contains("METROPOLIS-NODE-DATA")
                .contains("Boots /EFI/BOOT/BOOTx64.EFI = osimg-abloader, slot A active");
        assertThat(run.err()).contains("ESP     done").contains("system  done").contains("table   done");
        assertThat(Files.size(disk)).isEqualTo(200L << 20);
        assertThat(tool("sgdisk", "-v", disk.toString())).contains("No problems found");
    }

    @Test
    void printsJsonAndAddsAnEfiBootEntry() throws Exception {
        Path disk = dir.resolve("disk.img");
        Path vars = Files.createDirectory(dir.resolve("efivars"));
        Run run = osimg("install", image, "--disk", disk.toString(), "--esp-size", "40", "--system-size", "8",
                "--data-size", "0", "--unverified", "--reproducible", "--json", "--efi-boot-entry", "--efivarfs", vars.toString(),
                "--partition-label", "esp=BOOT", "--partition-type", "system-a=0fc63daf-8483-4772-8e79-3d69d8477de4");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        JsonNode doc = JSON.readTree(run.out());
        assertThat(doc.get("partitions")).hasSize(3);
        assertThat(doc.get("partitions").get(0).get("name").asText()).isEqualTo("BOOT");
        assertThat(doc.get("efi_boot_entry").asText()).isEqualTo("Boot0000");
        assertThat(doc.get("verified").asBoolean()).isFalse();
        assertThat(doc.get("direct_boot").asBoolean()).isFalse();
        assertThat(doc.get("loader").asText()).isEqualTo("osimg-abloader");
        assertThat(Files.size(disk)).isEqualTo(((1 + 40 + 8 + 8) << 20) + 33 * 512);
        assertThat(vars.resolve("Boot0000-8be4df61-93ca-11d2-aa0d-00e098032b8c")).exists();
        assertThat(Files.readAllBytes(vars.resolve("BootOrder-8be4df61-93ca-11d2-aa0d-00e098032b8c")))
                .containsExactly(7, 0, 0, 0, 0, 0);
        JsonNode parts = JSON.readTree(tool("sfdisk", "--json", disk.toString())).get("partitiontable").get("partitions");
        assertThat(parts.get(0).get("name").asText()).isEqualTo("BOOT");
        assertThat(parts.get(1).get("type").asText()).isEqualTo("0FC63DAF-8483-4772-8E79-3D69D8477DE4");
        assertThat(parts.get(0).get("uuid").asText()).isEqualToIgnoringCase(doc.get("partitions").get(0).get("guid").asText());
    }

    @Test
    void directBootMakesTheKernelTheBootProgram() throws Exception {
        Path disk = dir.resolve("disk.img");
        Run run = osimg("install", image, "--disk", disk.toString(), "--esp-size", "40", "--system-size", "8",
                "--data-size", "0", "--direct-boot");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("Direct boot: kernel.efi is the firmware's boot program (no A/B switching).")
                .contains("Boots /EFI/BOOT/BOOTx64.EFI\n");
        Path boot = dir.resolve("boot.efi");
        tool("mcopy", "-n", "-i", disk + "@@1M", "::EFI/BOOT/BOOTx64.EFI", boot.toString());
        assertThat(Files.mismatch(boot, fixtures.resolve("kernel.efi"))).isEqualTo(-1L);
    }

    @Test
    void refusesAnExistingFileAndLeavesItUntouched() throws Exception {
        Path disk = dir.resolve("disk.img");
        Files.writeString(disk, "keep me");
        Run run = osimg("install", image, "--disk", disk.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.err()).startsWith("osimg: error: " + disk + " already exists; pass --force to replace it");
        assertThat(Files.readString(disk)).isEqualTo("keep me");
    }

    @Test
    void refusesADiskTooSmall() {
        Path disk = dir.resolve("disk.img");
        Run run = osimg("install", image, "--disk", disk.toString(), "--size", "100M");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(run.err()).contains("the disk is 104857600 bytes (100 MiB) but the partitions need");
        assertThat(disk).doesNotExist();
    }

    @Test
    void rejectsBadUsage() {
        assertThat(osimg("install", image).exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(osimg("install", image, "--disk", "a", "--device", "/dev/null").exitCode()).isEqualTo(ExitCodes.USAGE);
        Run size = osimg("install", image, "--disk", dir.resolve("x").toString(), "--size", "lots");
        assertThat(size.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(size.err()).contains("size \"lots\" is not a positive size");
        Run part = osimg("install", image, "--disk", dir.resolve("x").toString(), "--partition-label", "swap=X");
        assertThat(part.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(part.err()).contains("unknown partition \"swap\"");
        Run both = osimg("install", image, "--disk", dir.resolve("x").toString(), "--loader", "l.efi", "--direct-boot");
        assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(both.err()).contains("mutually exclusive");
        assertThat(dir.resolve("x")).doesNotExist();
        Run device = osimg("install", image, "--device", dir.toString());
        assertThat(device.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(device.err()).contains("is not a block device");
    }
}
