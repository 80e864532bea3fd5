package dev.osimg.cli;

import static dev.osimg.cli.AbCommandsTest.ok;
import static dev.osimg.cli.AbCommandsTest.status;
import static dev.osimg.cli.InstallCommandTest.osimg;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.osimg.ab.AbDisk;
import dev.osimg.disk.Gpt;
import dev.osimg.disk.ImageFileDevice;
import dev.osimg.install.LoaderState;
import dev.osimg.install.LoaderState.Slot;
import dev.osimg.testing.Tools;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running-system path without a VM: an installed disk attached as a loop device (needs root and losetup), and an
 * efivarfs directory holding the Boot Loader Interface variables the A/B loader would have set.
 */
class LiveSystemAbTest {
    private static final String VENDOR = "4a67b082-0a4c-41cf-b6c7-440b29bb8c4f";

    @TempDir
    static Path fixtures;

    @TempDir
    Path dir;

    static String v1;
    static String v2;
    static String v3;
    static Path loader;

    private String loop;
    private Path mountPoint;

    @BeforeAll
    static void buildImages() throws Exception {
        loader = fixtures.resolve("loader.efi");
        Files.write(loader, AbCommandsTest.random(60_000, 99));
        v1 = AbCommandsTest.build(fixtures, 1, 2 << 20);
        v2 = AbCommandsTest.build(fixtures, 2, 3 << 20);
        v3 = AbCommandsTest.build(fixtures, 3, 1 << 20);
    }

    @AfterEach
    void detach() throws Exception {
        if (mountPoint != null) {
            Tools.run("umount", mountPoint.toString());
        }
        if (loop != null) {
            Tools.run("losetup", "-d", loop);
        }
    }

    /** A Boot Loader Interface variable as efivarfs shows it: attributes BS|RT, then UTF-16LE text with a NUL. */
    private static void variable(Path efivars, String name, String value) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(new byte[] {6, 0, 0, 0});
        b.write((value + "\0").getBytes(StandardCharsets.UTF_16LE));
        Files.write(efivars.resolve(name + "-" + VENDOR), b.toByteArray());
    }

    /** Mounts a FAT filesystem: by the kernel where it has vfat, else by fusefat (some VMs' kernels lack vfat). */
    private static void mountFat(String device, Path at) throws Exception {
        if (Files.readString(Path.of("/proc/filesystems")).contains("vfat")) {
            Tools.ok("mount", "-t", "vfat", device, at.toString());
        } else {
            Tools.ok("fusefat", "-o", "rw+,fsname=" + device, device, at.toString());
        }
    }

    /** Attaches {@code disk} as a loop device with its partitions. */
    private String attach(Path disk) throws Exception {
        loop = Tools.ok("losetup", "--find", "--show", "--partscan", disk.toString()).strip();
        if (!Files.exists(Path.of(loop + "p1"))) {
            // Without udev the kernel's own partition scan may not have happened: ask for it.
            Tools.run("partx", "-a", loop);
        }
        assertThat(Path.of(loop + "p1")).exists();
        return loop;
    }

    @Test
    void updatesTheRunningSystemFoundThroughTheLoaderVariables() throws Exception {
        Path disk = AbCommandsTest.install(dir, v1, loader);
        UUID espGuid;
        try (ImageFileDevice d = ImageFileDevice.open(disk, 512, false)) {
            espGuid = Gpt.read(d).partitions().getFirst().id();
        }
        String device = attach(disk);
        Path efivars = Files.createDirectories(dir.resolve("efivars"));
        variable(efivars, "LoaderDevicePartUUID", espGuid.toString().toUpperCase(Locale.ROOT));
        variable(efivars, "LoaderEntrySelected", "boot-a.efi");
        String vars = efivars.toString();

        // The same disk offline, as a block device.
        assertThat(status("--device", device).get("slots").get(0).get("image").get("version").asText()).isEqualTo("1.0");

        JsonNode s = status("--efivarfs", vars);
        assertThat(s.get("disk").asText()).isEqualTo(device);
        assertThat(s.get("running").asText()).isEqualTo("a");
        assertThat(s.get("running_from").asText()).isEqualTo("LoaderEntrySelected=boot-a.efi");
        assertThat(s.get("esp_mount").isNull()).isTrue();

        ok(osimg("update", v2, "--efivarfs", vars, "-q"));
        s = status("--efivarfs", vars);
        assertThat(s.get("state").get("next").asText()).isEqualTo("b");
        assertThat(s.get("slots").get(1).get("image").get("version").asText()).isEqualTo("2.0");

        // The loader booted B once: it cleared next and says so in LoaderEntrySelected. B runs on trial.
        try (AbDisk d = AbDisk.openDevice(Path.of(device), true)) {
            d.writeState(new LoaderState(Slot.A, Slot.NONE));
        }
        variable(efivars, "LoaderEntrySelected", "boot-b.efi");
        AbCommandsTest.refused(disk, 1, "the system runs slot B on trial while slot A is the active one", "update", v3,
                "--efivarfs", vars);
        AbCommandsTest.refused(disk, 1, "commit marks the running slot, not A", "commit", "--slot", "a", "--efivarfs", vars);
        InstallCommandTest.Run commit = osimg("commit", "--efivarfs", vars);
        ok(commit);
        assertThat(commit.out()).contains("Committed slot B of " + device);

        // With the ESP mounted, the update writes it through the mount point.
        mountPoint = Files.createDirectories(dir.resolve("esp"));
        mountFat(device + "p1", mountPoint);
        s = status("--efivarfs", vars);
        assertThat(s.get("esp_mount").asText()).isEqualTo(mountPoint.toString());
        assertThat(s.get("running").asText()).isEqualTo("b");
        AbCommandsTest.refused(disk, 1, device + " is in use: " + device + "p1 is mounted at " + mountPoint, "update", v3,
                "--device", device);
        ok(osimg("update", v3, "--efivarfs", vars, "-q"));
        assertThat(Files.readAllBytes(mountPoint.resolve("EFI/metropolis/boot-a.efi")))
                .isEqualTo(Files.readAllBytes(fixtures.resolve("payloads-3/kernel.efi")));
        assertThat(Files.readAllBytes(mountPoint.resolve("EFI/metropolis/loader_state.pb"))).containsExactly(8, 2, 16, 1);
        try (var files = Files.list(mountPoint.resolve("EFI/metropolis"))) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("osimg-new"));
        }
        ok(osimg("rollback", "--efivarfs", vars));
        assertThat(Files.readAllBytes(mountPoint.resolve("EFI/metropolis/loader_state.pb"))).containsExactly(8, 1);
        Tools.ok("umount", mountPoint.toString());
        mountPoint = null;
        Tools.Result fsck = Tools.run("fsck.fat", "-n", device + "p1");
        assertThat(fsck.exitCode()).as(fsck.output()).isZero();
    }
}
