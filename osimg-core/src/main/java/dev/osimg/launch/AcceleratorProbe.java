package dev.osimg.launch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds out whether KVM can run guests here by running one: a few instructions as the firmware of a VM with
 * the same accelerator and CPU model a launch uses, which stop the VM with a known exit status.
 *
 * <p>{@code /dev/kvm} existing is not enough: in nested or restricted environments it opens, and QEMU then
 * fails to set up the virtual CPU, or aborts or hangs at the first instruction the host cannot virtualize.
 */
final class AcceleratorProbe {
    /** x86: the port of QEMU's {@code isa-debug-exit} device; QEMU exits with {@code (value << 1) | 1}. */
    private static final int X86_EXIT_PORT = 0xf4;
    private static final int X86_EXIT_VALUE = 0x21;
    private static final long TIMEOUT_MILLIS = 5000;

    private AcceleratorProbe() {
    }

    /** Why KVM cannot run {@code arch} guests here, or empty when a probe guest ran to its end under KVM. */
    static Optional<String> kvmProblem(Path qemu, Architecture arch, Path workDir) throws IOException {
        if (!arch.isHost()) {
            return Optional.of("KVM runs only " + hostArchitecture() + " guests on this machine");
        }
        Path kvm = Path.of("/dev/kvm");
        if (!Files.exists(kvm)) {
            return Optional.of("there is no /dev/kvm");
        }
        if (!Files.isReadable(kvm) || !Files.isWritable(kvm)) {
            return Optional.of("/dev/kvm is not readable and writable by this user (join the group kvm)");
        }
        return problem(qemu, arch, Accelerator.KVM, workDir);
    }

    /** Why a probe guest does not run to its end with {@code accelerator}, or empty when it does. */
    static Optional<String> problem(Path qemu, Architecture arch, Accelerator accelerator, Path workDir) throws IOException {
        Path firmware = workDir.resolve("accel-probe.bin");
        Path log = workDir.resolve("accel-probe.log");
        try {
            Files.write(firmware, arch == Architecture.X86_64 ? x86Firmware() : aarch64Firmware());
            List<String> command = new ArrayList<>(List.of(qemu.toString(), "-machine", arch.machine(),
                    "-accel", accelerator.qemuName()));
            command.addAll(accelerator.cpuArguments());
            command.addAll(List.of("-display", "none", "-nodefaults", "-m", "16", "-bios", firmware.toString()));
            if (arch == Architecture.X86_64) {
                command.addAll(List.of("-device", "isa-debug-exit,iobase=0x" + Integer.toHexString(X86_EXIT_PORT) + ",iosize=4"));
            }
            Process p = ChildProcesses.start(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()));
            int expected = arch == Architecture.X86_64 ? (X86_EXIT_VALUE << 1) | 1 : 0;
            boolean exited;
            try {
                exited = p.waitFor(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            } finally {
                ChildProcesses.stop(p, 0);
            }
            if (exited && p.exitValue() == expected) {
                return Optional.empty();
            }
            String said = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.contains("warning:")).filter(l -> !l.isBlank()).findFirst().orElse("");
            return Optional.of("a test guest failed under " + accelerator.name() + " ("
                    + (exited ? "exit status " + p.exitValue() : "no progress in " + TIMEOUT_MILLIS / 1000 + " s")
                    + (said.isEmpty() ? "" : ": " + said.strip()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while probing " + accelerator.qemuName(), e);
        } finally {
            Files.deleteIfExists(firmware);
            Files.deleteIfExists(log);
        }
    }

    private static String hostArchitecture() {
        return switch (System.getProperty("os.arch")) {
            case "amd64" -> "x86_64";
            case "aarch64" -> "aarch64";
            default -> System.getProperty("os.arch");
        };
    }

    /**
     * A 64 KiB BIOS image for x86: the reset vector (F000:FFF0, the image's last 16 bytes) writes the exit value to
     * the debug-exit port and halts.
     */
    private static byte[] x86Firmware() {
        byte[] image = new byte[64 << 10];
        Arrays.fill(image, (byte) 0xf4); // hlt
        byte[] code = {
            (byte) 0xb0, X86_EXIT_VALUE, // mov al, 0x21
            (byte) 0xe6, (byte) X86_EXIT_PORT, // out 0xf4, al
            (byte) 0xf4, // hlt
            (byte) 0xeb, (byte) 0xfd, // jmp back to hlt
        };
        System.arraycopy(code, 0, image, image.length - 16, code.length);
        return image;
    }

    /** Flash image for the Arm {@code virt} machine: PSCI {@code SYSTEM_OFF} through {@code hvc}, so QEMU exits 0. */
    private static byte[] aarch64Firmware() {
        int[] code = {
            0x52800100, // movz w0, #0x0008
            0x72b08000, // movk w0, #0x8400, lsl #16   (w0 = 0x84000008, PSCI SYSTEM_OFF)
            0xd4000002, // hvc #0
            0x14000000, // b .
        };
        ByteBuffer b = ByteBuffer.allocate(code.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int instruction : code) {
            b.putInt(instruction);
        }
        return b.array();
    }
}
