package dev.osimg.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osimg.blob.Progress;
import dev.osimg.install.LoaderState.Slot;
import dev.osimg.osimage.Compression;
import dev.osimg.osimage.OsImage;
import dev.osimg.testing.TestOs;
import dev.osimg.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boots osimg's own A/B loader (osimg-abloader) in QEMU with OVMF (software emulation) on one installed disk whose ESP
 * the tests edit with mtools between boots: the default install boots slot A, a one-shot {@code next_slot} boots B
 * once and is cleared on disk, a corrupt state boots A with the loader's message, and a missing slot file falls back
 * to the other slot. The test OS reports the Boot Loader Interface variables the loader set.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AbLoaderBootTest {
    private static final long MIB = 1 << 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(240);
    private static final String STATE = "::EFI/metropolis/loader_state.pb";

    @TempDir
    static Path dir;

    private static Path disk;
    private static String esp;
    private static String espGuid;
    private static Path kernelB;

    @BeforeAll
    static void install() throws Exception {
        Path payloads = Files.createDirectories(dir.resolve("payloads"));
        TestOs.kernel(payloads.resolve("kernel.efi"), "slot-a-1");
        Files.write(payloads.resolve("system"), TestImages.random(1 << 20, 9));
        OsImage image = TestImages.build(payloads, dir.resolve("image"), new Compression.None());
        kernelB = TestOs.kernel(dir.resolve("kernel-b.efi"), "slot-b-1");
        disk = dir.resolve("disk.img");
        InstallPlan plan = DiskInstaller.toImageFile(image, TestImages.smallOptions(), disk, -1, false, Progress.NONE);
        PlannedPartition espPartition = plan.partition(PartitionRole.ESP).orElseThrow();
        esp = disk + "@@" + espPartition.offset(plan.blockSize());
        espGuid = espPartition.entry().id().toString().toUpperCase(Locale.ROOT);
    }

    @Test
    @Order(1)
    void defaultInstallBootsSlotA() throws Exception {
        Boot boot = boot();
        assertThat(boot.lines).contains("osimg-abloader: booting slot A (active)\n").doesNotContain("state file");
        assertThat(boot.lines.split("osimg-abloader: ", -1)).as("exactly one loader line").hasSize(2);
        assertThat(boot.report.version()).isEqualTo("slot-a-1");
        assertThat(boot.report.entry()).isEqualTo("boot-a.efi");
        assertThat(boot.report.partUuid()).isEqualTo(espGuid);
        TestOs.LoaderReport loader = boot.loader;
        assertThat(loader.entryAttributes()).as("boot service and runtime access, volatile").isEqualTo("06000000");
        assertThat(loader.imageIdentifier()).isEqualToIgnoringCase("\\EFI\\BOOT\\BOOTx64.EFI");
        assertThat(loader.info()).matches("osimg-abloader \\d+\\.\\d+\\.\\d+.*");
        assertThat(state()).as("a state without next_slot is not written").containsExactly(0x08, 0x01);
    }

    @Test
    @Order(2)
    void nextSlotWhoseFileIsMissingFallsBackToTheOtherSlot() throws Exception {
        writeState(new LoaderState(Slot.A, Slot.B).encode());
        Boot boot = boot();
        assertThat(boot.lines).contains("osimg-abloader: booting slot A (fallback: boot-b.efi failed: Not Found)\n");
        assertThat(boot.report.version()).isEqualTo("slot-a-1");
        assertThat(boot.report.entry()).isEqualTo("boot-a.efi");
        assertThat(state()).as("next_slot cleared before loading").containsExactly(0x08, 0x01, 0x10, 0x00);
    }

    @Test
    @Order(3)
    void nextSlotBootsOnceAndIsClearedOnDisk() throws Exception {
        Tools.ok("mcopy", "-o", "-i", esp, kernelB.toString(), "::EFI/metropolis/boot-b.efi");
        writeState(new LoaderState(Slot.A, Slot.B).encode());
        Boot boot = boot();
        assertThat(boot.lines).contains("osimg-abloader: booting slot B (next)\n");
        assertThat(boot.report.version()).isEqualTo("slot-b-1");
        assertThat(boot.report.entry()).isEqualTo("boot-b.efi");
        assertThat(boot.report.partUuid()).isEqualTo(espGuid);
        assertThat(LoaderState.decode(state())).isEqualTo(new LoaderState(Slot.A, Slot.NONE));
        Path espImage = dir.resolve("esp.img");
        Files.write(espImage, espBytes());
        Tools.Result fsck = Tools.run("fsck.fat", "-n", espImage.toString());
        assertThat(fsck.exitCode()).as("the ESP after the firmware wrote the state:\n%s", fsck.output()).isZero();
        Files.delete(espImage);
    }

    @Test
    @Order(4)
    void corruptStateBootsSlotAWithTheLoadersMessage() throws Exception {
        byte[] garbage = "garbage".getBytes(StandardCharsets.US_ASCII);
        writeState(garbage);
        Boot boot = boot();
        assertThat(boot.lines)
                .contains("osimg-abloader: state file \\EFI\\metropolis\\loader_state.pb is corrupt (invalid wire type); using slot A\n")
                .contains("osimg-abloader: booting slot A (default)\n");
        assertThat(boot.report.version()).isEqualTo("slot-a-1");
        assertThat(boot.report.entry()).isEqualTo("boot-a.efi");
        assertThat(state()).as("a corrupt state is left as it is").isEqualTo(garbage);
    }

    /** One boot: the console with line ends and terminal escapes removed, and the test OS's reports. */
    private record Boot(String lines, TestOs.Report report, TestOs.LoaderReport loader) {
    }

    private static Boot boot() throws Exception {
        TestOs.Boot boot = TestOs.boot(disk, TestOs.freshVars(dir), TIMEOUT);
        TestOs.Report report = boot.requireReport();
        String lines = boot.console().replace("\r", "").replaceAll("\u001b\\[[0-9;?=]*[A-Za-z]", "");
        TestOs.LoaderReport loader = boot.loaderReport().orElseThrow(() -> new AssertionError("no loader report:\n" + lines));
        return new Boot(lines, report, loader);
    }

    private static void writeState(byte[] bytes) throws Exception {
        Path file = dir.resolve("state.pb");
        Files.write(file, bytes);
        Tools.ok("mcopy", "-o", "-i", esp, file.toString(), STATE);
        Files.delete(file);
    }

    private static byte[] state() throws Exception {
        Path file = dir.resolve("state-out.pb");
        Tools.ok("mcopy", "-n", "-i", esp, STATE, file.toString());
        byte[] bytes = Files.readAllBytes(file);
        Files.delete(file);
        return bytes;
    }

    private static byte[] espBytes() throws Exception {
        long offset = Long.parseLong(esp.substring(esp.indexOf("@@") + 2));
        try (var in = Files.newInputStream(disk)) {
            in.skipNBytes(offset);
            return in.readNBytes((int) (TestImages.smallOptions().partition(PartitionRole.ESP).sizeMiB() * MIB));
        }
    }
}
