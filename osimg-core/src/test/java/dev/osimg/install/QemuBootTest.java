package dev.osimg.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osimg.blob.Progress;
import dev.osimg.osimage.Compression;
import dev.osimg.osimage.OsImage;
import dev.osimg.testing.TestOs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boots an installed disk in QEMU with OVMF (software emulation): the test OS (a unified kernel image whose init
 * reports what it sees) is the firmware's boot program (--direct-boot).
 */
class QemuBootTest {
    @TempDir
    Path dir;

    @Test
    void installedDiskBootsInQemuWithOvmf() throws Exception {
        TestOs.kernel(Files.createDirectories(dir.resolve("payloads")).resolve("kernel.efi"), "direct-1");
        Files.write(dir.resolve("payloads/system"), TestImages.random(1 << 20, 5));
        OsImage image = TestImages.build(dir.resolve("payloads"), dir.resolve("image"), new Compression.Zstd(1));

        Path disk = dir.resolve("disk.img");
        DiskInstaller.toImageFile(image, TestImages.smallOptions().withDirectBoot(true), disk, -1, false, Progress.NONE);
        Path params = Files.writeString(dir.resolve("params.txt"), "node-7");

        TestOs.Boot boot = TestOs.boot(disk, TestOs.freshVars(dir), Duration.ofSeconds(240),
                "-fw_cfg", "name=dev.monogon.metropolis/parameters.pb,file=" + params);

        TestOs.Report report = boot.requireReport();
        assertThat(report.version()).isEqualTo("direct-1");
        assertThat(report.params()).isEqualTo("node-7");
        assertThat(boot.exited()).as("the guest powered off").isTrue();
    }
}
