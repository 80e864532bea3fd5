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
        TestKernel.write(fixtures.resolve("kernel.efi"), 400_000, 1);
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
    void printsJson() throws Exception {
        Path disk = dir.resolve("disk.img");
        Run run = osimg("install", image, "--disk", disk.toString(), "--esp-size", "40", "--system-size", "8",
                "--data-size", "0", "--unverified", "--reproducible", "--json",
                "--partition-label", "esp=BOOT", "--partition-type", "system-a=0fc63daf-8483-4772-8e79-3d69d8477de4");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        JsonNode doc = JSON.readTree(run.out());
        assertThat(doc.get("partitions")).hasSize(3);
        assertThat(doc.get("partitions").get(0).get("name").asText()).isEqualTo("BOOT");
        assertThat(doc.get("verified").asBoolean()).isFalse();
        assertThat(doc.get("direct_boot").asBoolean()).isFalse();
        assertThat(doc.get("loader").asText()).isEqualTo("osimg-abloader");
        assertThat(doc.has("efi_boot_entry")).isFalse();
        assertThat(Files.size(disk)).isEqualTo(((1 + 40 + 8 + 8) << 20) + 33 * 512);
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
    void addsAnEfiBootEntryForABlockDevice() throws Exception {
        Path backing = dir.resolve("backing.img");
        try (var f = new java.io.RandomAccessFile(backing.toFile(), "rw")) {
            f.setLength(100L << 20);
        }
        String loop = tool("losetup", "--find", "--show", backing.toString()).strip();
        try {
            Path vars = Files.createDirectory(dir.resolve("efivars"));
            Run run = osimg("install", image, "--device", loop, "--esp-size", "40", "--system-size", "8", "--data-size", "4", "--json",
                    "--efi-boot-entry", "--efivarfs", vars.toString());
            assertThat(run.exitCode()).as(run.err()).isZero();
            JsonNode doc = JSON.readTree(run.out());
            assertThat(doc.get("efi_boot_entry").asText()).isEqualTo("Boot0000");
            assertThat(vars.resolve("Boot0000-8be4df61-93ca-11d2-aa0d-00e098032b8c")).exists();
            assertThat(Files.readAllBytes(vars.resolve("BootOrder-8be4df61-93ca-11d2-aa0d-00e098032b8c")))
                    .containsExactly(7, 0, 0, 0, 0, 0);
        } finally {
            tool("losetup", "-d", loop);
        }
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

    @Test
    void refusesAnEfiBootEntryForAnImageFile() throws Exception {
        Path disk = dir.resolve("disk.img");
        Path vars = Files.createDirectory(dir.resolve("efivars"));
        Run run = osimg("install", image, "--disk", disk.toString(), "--esp-size", "40", "--system-size", "8",
                "--efi-boot-entry", "--efivarfs", vars.toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--efi-boot-entry").contains("--device");
        assertThat(disk).doesNotExist();
        assertThat(vars).isEmptyDirectory();
    }

    @Test
    void checksTheBootEntryBeforeWritingADevice() throws Exception {
        Path device = dir.resolve("device.img");
        byte[] before = new byte[1 << 20];
        new Random(3).nextBytes(before);
        Files.write(device, before);
        try (var f = new java.io.RandomAccessFile(device.toFile(), "rw")) {
            f.setLength(200L << 20);
        }
        Run missing = osimg("install", image, "--device", device.toString(), "--force", "--esp-size", "40", "--system-size", "8",
                "--efi-boot-entry", "--efivarfs", dir.resolve("no-efivars").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(missing.err()).contains("no-efivars").contains("efivarfs");
        Path vars = Files.createDirectory(dir.resolve("efivars"));
        Run notADisk = osimg("install", image, "--device", device.toString(), "--force", "--esp-size", "40", "--system-size", "8",
                "--efi-boot-entry", "--efivarfs", vars.toString());
        assertThat(notADisk.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(notADisk.err()).contains("--efi-boot-entry").contains("not a block device");
        try (var in = Files.newInputStream(device)) {
            assertThat(in.readNBytes(before.length)).isEqualTo(before);
        }
        assertThat(vars).isEmptyDirectory();
    }

    @Test
    void refusesSizesBeyondWhatTheFormatsHold() {
        Path disk = dir.resolve("disk.img");
        Run slots = osimg("install", image, "--disk", disk.toString(), "--system-size", "17592186044424");
        assertThat(slots.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(slots.err()).contains("17592186044424 MiB is too large");
        Run esp = osimg("install", image, "--disk", disk.toString(), "--esp-size", "9223372036854775807");
        assertThat(esp.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(esp.err()).contains("9223372036854775807 MiB is too large").doesNotContain("-1 MiB");
        Run bigEsp = osimg("install", image, "--disk", disk.toString(), "--esp-size", "3000000");
        assertThat(bigEsp.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(bigEsp.err()).contains("FAT32");
        assertThat(disk).doesNotExist();
    }
}
