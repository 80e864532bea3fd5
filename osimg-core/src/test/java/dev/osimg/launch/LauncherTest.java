package dev.osimg.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osimg.oci.OciLayout;
import dev.osimg.osimage.Compression;
import dev.osimg.osimage.OsImage;
import dev.osimg.osimage.OsImageBuilder;
import dev.osimg.osimage.ProductInfo;
import dev.osimg.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a launch refuses before it starts anything, and that a failure after the VM started still stops it. */
class LauncherTest {
    @TempDir
    static Path fixtures;

    @TempDir
    Path dir;

    private static OsImage image;

    @BeforeAll
    static void buildImage() throws Exception {
        Random random = new Random(9);
        byte[] kernel = new byte[200_000];
        random.nextBytes(kernel);
        Files.write(fixtures.resolve("kernel.efi"), kernel);
        byte[] system = new byte[1 << 20];
        random.nextBytes(system);
        Files.write(fixtures.resolve("system"), system);
        new OsImageBuilder().productInfo(new ProductInfo("test", "Test", "1", "x86_64", "", "", false, List.of()))
                .compression(new Compression.None())
                .payload("kernel.efi", fixtures.resolve("kernel.efi")).payload("system", fixtures.resolve("system"))
                .build(fixtures.resolve("img"));
        image = OsImage.read(OciLayout.open(fixtures.resolve("img")).image(null));
    }

    private LaunchOptions.Builder options() {
        return LaunchOptions.builder().workParent(dir).memoryMiB(128).accelerator(Accelerator.TCG);
    }

    @Test
    void refusesWithoutQemuNamingTheDebianPackage() {
        Host noQemu = new Host(Path.of("/"), dir.toString());
        assertThatThrownBy(() -> Launcher.launch(image, options().build(), noQemu, LaunchListener.NONE))
                .isInstanceOf(LaunchException.class)
                .hasMessage("qemu-system-x86_64 is not installed (it runs x86_64 VMs); install the Debian package qemu-system-x86");
    }

    @Test
    void refusesWithoutFirmwareNamingTheDebianPackage() {
        Host noFirmware = new Host(dir, Host.system().path());
        assertThatThrownBy(() -> Launcher.launch(image, options().build(), noFirmware, LaunchListener.NONE))
                .isInstanceOf(LaunchException.class)
                .hasMessageStartingWith("no UEFI firmware for x86_64 guests: none of [" + dir.resolve("usr/share/OVMF/OVMF_CODE_4M.fd"))
                .hasMessageEndingWith("exists; install the Debian package ovmf");
    }

    @Test
    void refusesAWorkDirectoryOnAFullFilesystemAndWritesNothingThere() throws Exception {
        Path small = Files.createDirectory(dir.resolve("small"));
        Tools.ok("mount", "-t", "tmpfs", "-o", "size=16m", "osimg-test", small.toString());
        try {
            assertThatThrownBy(() -> Launcher.launch(image, options().workParent(small).build(), Host.system(), LaunchListener.NONE))
                    .isInstanceOf(LaunchException.class)
                    .hasMessageContaining("the work directory " + small + " is on a filesystem with 16 MiB free; 1 VM needs about 67 MiB")
                    .hasMessageEndingWith("free some space or choose another directory with --work-dir");
            try (Stream<Path> left = Files.list(small)) {
                assertThat(left).isEmpty();
            }
        } finally {
            Tools.ok("umount", small.toString());
        }
    }

    @Test
    void aFailureWhileTheVmRunsStopsItAndRemovesTheWorkDirectory() throws Exception {
        LaunchListener failing = new LaunchListener() {
            @Override
            public void serialData(int node, byte[] data, int length) {
                throw new IllegalStateException("console closed");
            }
        };
        assertThatThrownBy(() -> Launcher.launch(image, options().timeout(Duration.ofMinutes(3)).build(), Host.system(), failing))
                .isInstanceOf(LaunchException.class)
                .hasMessage("node 01: reading or showing its serial console failed: console closed");
        assertThat(ProcessHandle.current().descendants()).noneMatch(p -> p.info().command().orElse("").contains("qemu"));
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void theKvmProbeGuestRunsToItsEndAndOtherArchitecturesAreNotProbed() throws Exception {
        Path qemu = Host.system().program("qemu-system-x86_64", "qemu-system-x86", "test");
        // The probe guest itself is right: under TCG it reaches its exit instruction.
        assertThat(AcceleratorProbe.problem(qemu, Architecture.X86_64, Accelerator.TCG, dir)).isEmpty();
        assertThat(AcceleratorProbe.kvmProblem(qemu, Architecture.AARCH64, dir)).contains("KVM runs only x86_64 guests on this machine");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }
}
