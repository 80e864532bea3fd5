package dev.osimg.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osimg.blob.Progress;
import dev.osimg.osimage.Compression;
import dev.osimg.osimage.OsImage;
import dev.osimg.testing.Tools;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boots an installed disk in QEMU with OVMF (software emulation): a unified kernel image built from Debian's kernel,
 * systemd's EFI stub and a busybox initramfs whose init prints a marker and powers off.
 */
class QemuBootTest {
    private static final Path STUB = Path.of("/usr/lib/systemd/boot/efi/linuxx64.efi.stub");
    private static final Path BUSYBOX = Path.of("/bin/busybox");
    private static final Path OVMF_CODE = Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd");
    private static final Path OVMF_VARS = Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd");
    /** What init prints; computed by the shell so that it appears on the console only if init ran. */
    private static final String MARKER = "OSIMG-BOOT-OK 42";

    @TempDir
    Path dir;

    @Test
    void installedDiskBootsInQemuWithOvmf() throws Exception {
        Tools.require(STUB.toString());
        Tools.require(BUSYBOX.toString());
        Tools.require(OVMF_CODE.toString());
        Tools.require(OVMF_VARS.toString());
        Tools.require("objcopy");
        Tools.require("qemu-system-x86_64");

        Path initrd = dir.resolve("initrd.cpio");
        Files.write(initrd, initramfs());
        Path cmdline = dir.resolve("cmdline");
        Files.writeString(cmdline, "console=ttyS0 panic=-1 rdinit=/init");
        Path uki = dir.resolve("payloads/kernel.efi");
        Files.createDirectories(uki.getParent());
        Tools.ok("objcopy",
                "--add-section", ".cmdline=" + cmdline, "--change-section-vma", ".cmdline=0x30000",
                "--add-section", ".linux=" + kernel(), "--change-section-vma", ".linux=0x2000000",
                "--add-section", ".initrd=" + initrd, "--change-section-vma", ".initrd=0x3000000",
                STUB.toString(), uki.toString());
        Files.write(dir.resolve("payloads/system"), TestImages.random(1 << 20, 5));
        OsImage image = TestImages.build(dir.resolve("payloads"), dir.resolve("image"), new Compression.Zstd(1));

        Path disk = dir.resolve("disk.img");
        DiskInstaller.toImageFile(image, TestImages.smallOptions().withLoader(Optional.of(uki)), disk, -1, false, Progress.NONE);

        Path vars = dir.resolve("OVMF_VARS.fd");
        Files.copy(OVMF_VARS, vars);
        Path serial = dir.resolve("serial.log");
        List<String> qemu = List.of("qemu-system-x86_64", "-machine", "q35", "-accel", "tcg", "-m", "512", "-smp", "1",
                "-display", "none", "-monitor", "none", "-no-reboot", "-serial", "file:" + serial,
                "-drive", "if=pflash,format=raw,readonly=on,file=" + OVMF_CODE,
                "-drive", "if=pflash,format=raw,file=" + vars,
                "-drive", "if=virtio,format=raw,cache=unsafe,file=" + disk,
                "-nic", "none");
        Process p = new ProcessBuilder(qemu).redirectErrorStream(true).redirectOutput(dir.resolve("qemu.log").toFile()).start();
        try {
            boolean exited = p.waitFor(240, TimeUnit.SECONDS);
            String console = Files.exists(serial) ? Files.readString(serial, StandardCharsets.ISO_8859_1) : "";
            assertThat(console).as("serial console (QEMU %s):\n%s\nqemu: %s", exited ? "exited" : "still running after 240 s",
                    tail(console), Files.readString(dir.resolve("qemu.log"))).contains(MARKER);
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String tail(String s) {
        return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    }

    private static Path kernel() throws Exception {
        List<Path> kernels = new ArrayList<>();
        try (DirectoryStream<Path> boot = Files.newDirectoryStream(Path.of("/boot"), "vmlinuz-*")) {
            boot.forEach(kernels::add);
        }
        if (kernels.isEmpty()) {
            throw new AssertionError("no /boot/vmlinuz-*: install the Debian package linux-image-amd64");
        }
        kernels.sort(null);
        return kernels.getLast();
    }

    /** A cpio "newc" archive: /dev/console, /bin/busybox and an /init script that prints the marker and powers off. */
    private static byte[] initramfs() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] ino = {1};
        entry(out, ino, "dev", 0040755, 0, 0, new byte[0]);
        entry(out, ino, "dev/console", 0020600, 5, 1, new byte[0]);
        entry(out, ino, "bin", 0040755, 0, 0, new byte[0]);
        entry(out, ino, "proc", 0040755, 0, 0, new byte[0]);
        entry(out, ino, "bin/busybox", 0100755, 0, 0, Files.readAllBytes(BUSYBOX));
        String init = "#!/bin/busybox sh\n"
                + "/bin/busybox echo \"OSIMG-BOOT-OK $((6 * 7))\"\n"
                + "/bin/busybox poweroff -f\n";
        entry(out, ino, "init", 0100755, 0, 0, init.getBytes(StandardCharsets.US_ASCII));
        entry(out, ino, "TRAILER!!!", 0, 0, 0, new byte[0]);
        return out.toByteArray();
    }

    private static void entry(ByteArrayOutputStream out, int[] ino, String name, int mode, int rdevMajor, int rdevMinor,
                              byte[] data) {
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.US_ASCII);
        String header = String.format("070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x", ino[0]++, mode, 0, 0,
                (mode & 0040000) != 0 ? 2 : 1, 0, data.length, 0, 0, rdevMajor, rdevMinor, nameBytes.length, 0);
        out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(nameBytes);
        pad(out);
        out.writeBytes(data);
        pad(out);
    }

    private static void pad(ByteArrayOutputStream out) {
        while (out.size() % 4 != 0) {
            out.write(0);
        }
    }
}
