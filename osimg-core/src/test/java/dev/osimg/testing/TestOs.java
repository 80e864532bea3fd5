package dev.osimg.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tiny bootable test OS for QEMU/OVMF boot tests: a unified kernel image (Debian's kernel, systemd's EFI stub and a
 * busybox initramfs) whose init reports what it sees on the serial console and powers off.
 *
 * <p>The report is one line, {@code OSIMG-TEST-OS version=V entry=E partuuid=P params=X}: {@code V} is the version the
 * kernel was built with, {@code E} and {@code P} the Boot Loader Interface variables {@code LoaderEntrySelected} and
 * {@code LoaderDevicePartUUID} ({@code none} when unset), {@code X} the node parameters passed through QEMU's fw_cfg
 * ({@code none} when absent; tests pass printable text). The numbers in the marker are computed by the guest's shell,
 * so the line appears only if init really ran. A line before it, {@code OSIMG-TEST-OS-LOADER …}, has the other loader
 * variables ({@link LoaderReport}).
 */
public final class TestOs {
    /** systemd's EFI stub (Debian package systemd-boot-efi). */
    public static final Path STUB = Path.of("/usr/lib/systemd/boot/efi/linuxx64.efi.stub");
    /** Static busybox (Debian package busybox-static). */
    public static final Path BUSYBOX = Path.of("/bin/busybox");
    /** OVMF firmware code (Debian package ovmf). */
    public static final Path OVMF_CODE = Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd");
    /** OVMF variable store template (Debian package ovmf). */
    public static final Path OVMF_VARS = Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd");

    private static final String LOADER_GUID = "4a67b082-0a4c-41cf-b6c7-440b29bb8c4f";
    private static final Pattern REPORT = Pattern.compile(
            "OSIMG-TEST-OS (\\d+) version=(\\S*) entry=(\\S*) partuuid=(\\S*) params=(\\S*)");
    private static final Pattern LOADER_REPORT = Pattern.compile(
            "OSIMG-TEST-OS-LOADER (\\d+) attrs=(\\S*) image=(\\S*) info=([^\\r\\n]*)");

    private TestOs() {
    }

    /** What the test OS reported on one boot. */
    public record Report(String version, String entry, String partUuid, String params) {
    }

    /**
     * The other Boot Loader Interface variables, reported on a line of their own before the report:
     * {@code LoaderEntrySelected}'s 4 attribute bytes in hex ({@code 06000000}: boot service and runtime access, not
     * stored), {@code LoaderImageIdentifier} and {@code LoaderInfo} ({@code none} when unset).
     */
    public record LoaderReport(String entryAttributes, String imageIdentifier, String info) {
    }

    /** The serial console of one boot, and whether QEMU exited by itself (the guest powered off). */
    public record Boot(String console, boolean exited) {
        /** The test OS's report line, if init ran. */
        public Optional<Report> report() {
            Matcher m = REPORT.matcher(console);
            while (m.find()) {
                if (m.group(1).equals("42")) {
                    return Optional.of(new Report(m.group(2), m.group(3), m.group(4), m.group(5)));
                }
            }
            return Optional.empty();
        }

        /** The line with the other loader variables, if init ran. */
        public Optional<LoaderReport> loaderReport() {
            Matcher m = LOADER_REPORT.matcher(console);
            while (m.find()) {
                if (m.group(1).equals("42")) {
                    return Optional.of(new LoaderReport(m.group(2), m.group(3), m.group(4).strip()));
                }
            }
            return Optional.empty();
        }

        /** The report, or a test failure showing the end of the console. */
        public Report requireReport() {
            return report().orElseThrow(() -> new AssertionError("the test OS did not report (QEMU "
                    + (exited ? "exited" : "was stopped after the timeout") + "); console:\n" + tail(console, 6000)));
        }
    }

    /** Fails the test unless every tool a boot test needs is installed. */
    public static void requireTools() {
        Tools.require(STUB.toString());
        Tools.require(BUSYBOX.toString());
        Tools.require(OVMF_CODE.toString());
        Tools.require(OVMF_VARS.toString());
        Tools.require("objcopy");
        Tools.require("qemu-system-x86_64");
    }

    /**
     * Writes a unified kernel image to {@code out} whose init reports {@code version} (letters, digits, {@code .-_}).
     */
    public static Path kernel(Path out, String version) throws IOException, InterruptedException {
        if (!version.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("test OS version must be a plain word: " + version);
        }
        requireTools();
        Path work = Files.createTempDirectory(out.toAbsolutePath().getParent(), ".testos");
        try {
            Path initrd = work.resolve("initrd.cpio");
            Files.write(initrd, initramfs(version));
            Path cmdline = work.resolve("cmdline");
            Files.writeString(cmdline, "console=ttyS0 panic=-1 rdinit=/init quiet");
            Path kernel = linuxKernel();
            long linuxVma = 0x2000000L;
            long initrdVma = align(linuxVma + Files.size(kernel), 0x100000);
            Tools.ok("objcopy",
                    "--add-section", ".cmdline=" + cmdline, "--change-section-vma", ".cmdline=0x30000",
                    "--add-section", ".linux=" + kernel, "--change-section-vma", ".linux=0x" + Long.toHexString(linuxVma),
                    "--add-section", ".initrd=" + initrd, "--change-section-vma", ".initrd=0x" + Long.toHexString(initrdVma),
                    STUB.toString(), out.toString());
            return out;
        } finally {
            try (var files = Files.list(work)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(work);
        }
    }

    /** A fresh copy of the OVMF variable store in {@code dir}, as a new machine has. */
    public static Path freshVars(Path dir) throws IOException {
        Path vars = dir.resolve("OVMF_VARS-" + System.nanoTime() + ".fd");
        Files.copy(OVMF_VARS, vars);
        return vars;
    }

    /**
     * Boots {@code disk} with OVMF under TCG until the guest powers off or {@code timeout} passes, and returns the
     * serial console. {@code vars} is the machine's OVMF variable store (kept across boots of one machine).
     */
    public static Boot boot(Path disk, Path vars, Duration timeout, String... extraQemuArgs)
            throws IOException, InterruptedException {
        requireTools();
        Path serial = Files.createTempFile(disk.toAbsolutePath().getParent(), ".serial", ".log");
        List<String> qemu = new ArrayList<>(List.of("qemu-system-x86_64", "-machine", "q35", "-accel", "tcg",
                "-cpu", "max", "-m", "384", "-smp", "1", "-display", "none", "-monitor", "none", "-nodefaults",
                "-no-reboot", "-serial", "file:" + serial,
                "-drive", "if=pflash,format=raw,readonly=on,file=" + OVMF_CODE,
                "-drive", "if=pflash,format=raw,file=" + vars,
                "-drive", "if=virtio,format=raw,cache=unsafe,file=" + disk,
                "-nic", "none"));
        qemu.addAll(List.of(extraQemuArgs));
        Process p = new ProcessBuilder(qemu).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            boolean exited = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Boot(Files.readString(serial, StandardCharsets.ISO_8859_1), exited);
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(serial);
        }
    }

    /** The newest Debian kernel in /boot. */
    public static Path linuxKernel() throws IOException {
        List<Path> kernels = new ArrayList<>();
        try (DirectoryStream<Path> boot = Files.newDirectoryStream(Path.of("/boot"), "vmlinuz-*")) {
            boot.forEach(kernels::add);
        }
        if (kernels.isEmpty()) {
            fail("no /boot/vmlinuz-*: install the Debian package linux-image-amd64");
        }
        kernels.sort(null);
        return kernels.getLast();
    }

    private static long align(long value, long to) {
        return (value + to - 1) / to * to;
    }

    private static String tail(String s, int max) {
        return s.length() > max ? s.substring(s.length() - max) : s;
    }

    /**
     * The kernel modules the init loads, in load order (insmod resolves no dependencies): efivarfs (Boot Loader
     * Interface variables), qemu_fw_cfg, and the virtio network driver with what it needs, loaded only when the
     * parameters ask for {@value #PING_PEERS}.
     */
    private static List<Path> modules() throws IOException {
        Path kernel = linuxKernel();
        String release = kernel.getFileName().toString().substring("vmlinuz-".length());
        Path dir = Path.of("/lib/modules", release, "kernel");
        List<Path> modules = new java.util.ArrayList<>(List.of(dir.resolve("fs/efivarfs/efivarfs.ko"),
                dir.resolve("drivers/firmware/qemu_fw_cfg.ko")));
        for (String network : NETWORK_MODULES) {
            modules.add(dir.resolve(network));
        }
        for (Path m : modules) {
            if (!Files.isRegularFile(m)) {
                fail(m + " is missing; install the Debian package linux-image-" + release);
            }
        }
        return modules;
    }

    /**
     * When the node parameters contain this word, the init brings up the virtio network card as 10.99.0.N/24
     * (N = the last byte of its MAC, which {@code osimg launch} numbers from 1), pings node 1 (node 1 pings node 2)
     * until it answers, prints {@code OSIMG-TEST-OS-NET node=N reached=10.99.0.M} and stays up, so that a peer
     * that boots later still gets answers; the launch stops it once every node printed its line.
     */
    public static final String PING_PEERS = "ping-peers";

    private static final List<String> NETWORK_MODULES = List.of("drivers/virtio/virtio_ring.ko",
            "drivers/virtio/virtio.ko", "drivers/virtio/virtio_pci_legacy_dev.ko",
            "drivers/virtio/virtio_pci_modern_dev.ko", "drivers/virtio/virtio_pci.ko", "net/core/failover.ko",
            "drivers/net/net_failover.ko", "drivers/net/virtio_net.ko");

    /** A cpio "newc" archive: /dev/console, busybox, the kernel modules and the reporting /init. */
    private static byte[] initramfs(String version) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] ino = {1};
        entry(out, ino, "dev", 0040755, 0, 0, new byte[0]);
        entry(out, ino, "dev/console", 0020600, 5, 1, new byte[0]);
        entry(out, ino, "bin", 0040755, 0, 0, new byte[0]);
        entry(out, ino, "proc", 0040755, 0, 0, new byte[0]);
        entry(out, ino, "sys", 0040755, 0, 0, new byte[0]);
        entry(out, ino, "lib", 0040755, 0, 0, new byte[0]);
        entry(out, ino, "bin/busybox", 0100755, 0, 0, Files.readAllBytes(BUSYBOX));
        for (Path m : modules()) {
            entry(out, ino, "lib/" + m.getFileName(), 0100644, 0, 0, Files.readAllBytes(m));
        }
        String vars = "/sys/firmware/efi/efivars";
        String init = "#!/bin/busybox sh\n"
                + "b=/bin/busybox\n"
                + "$b mount -t proc proc /proc\n"
                + "$b mount -t sysfs sys /sys\n"
                + "$b insmod /lib/efivarfs.ko 2>/dev/null\n"
                + "$b insmod /lib/qemu_fw_cfg.ko 2>/dev/null\n"
                + "$b mount -t efivarfs efivarfs " + vars + " 2>/dev/null\n"
                // A Boot Loader Interface variable: 4 attribute bytes, then UTF-16LE text (ASCII here).
                + "var() { f=" + vars + "/$1-" + LOADER_GUID + "; "
                + "if [ -f $f ]; then $b tail -c +5 $f | $b tr -d '\\000'; else echo none; fi; }\n"
                + "p=/sys/firmware/qemu_fw_cfg/by_name/dev.monogon.metropolis/parameters.pb/raw\n"
                + "if [ -f $p ]; then params=$($b cat $p); else params=none; fi\n"
                + "attrs() { f=" + vars + "/$1-" + LOADER_GUID + "; "
                + "if [ -f $f ]; then $b head -c 4 $f | $b od -An -tx1 | $b tr -d ' \\n'; else echo none; fi; }\n"
                + "echo \"OSIMG-TEST-OS-LOADER $((6 * 7)) attrs=$(attrs LoaderEntrySelected)"
                + " image=$(var LoaderImageIdentifier) info=$(var LoaderInfo)\"\n"
                + "echo \"OSIMG-TEST-OS $((6 * 7)) version=" + version
                + " entry=$(var LoaderEntrySelected) partuuid=$(var LoaderDevicePartUUID) params=$params\"\n"
                + "case \"$params\" in *" + PING_PEERS + "*) ;; *) $b poweroff -f ;; esac\n"
                + NETWORK_MODULES.stream().map(m -> "$b insmod /lib/" + Path.of(m).getFileName() + "\n")
                        .collect(java.util.stream.Collectors.joining())
                + "i=0; while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 10 ]; do $b sleep 1; i=$((i + 1)); done\n"
                + "n=$((0x$($b cut -d: -f6 /sys/class/net/eth0/address)))\n"
                + "$b ip link set lo up; $b ip link set eth0 up; $b ip addr add 10.99.0.$n/24 dev eth0\n"
                + "if [ $n = 1 ]; then peer=2; else peer=1; fi\n"
                + "until $b ping -c 1 -W 1 10.99.0.$peer >/dev/null 2>&1; do $b sleep 1; done\n"
                + "echo \"OSIMG-TEST-OS-NET node=$n reached=10.99.0.$peer\"\n"
                + "while true; do $b sleep 60; done\n";
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
