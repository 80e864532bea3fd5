package dev.osimg.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** A kernel.efi for tests that build images: a real UEFI application (systemd's stub) followed by seeded random bytes. */
final class TestKernel {
    /** The UEFI stub of the Debian package systemd-boot-efi (scripts/install-deps). */
    static final Path STUB = Path.of("/usr/lib/systemd/boot/efi/linuxx64.efi.stub");

    private TestKernel() {
    }

    /** The bytes: the stub, then {@code extra} random bytes from {@code seed} (so that kernels differ). */
    static byte[] bytes(int extra, long seed) throws IOException {
        byte[] stub = Files.readAllBytes(STUB);
        byte[] all = new byte[stub.length + extra];
        System.arraycopy(stub, 0, all, 0, stub.length);
        byte[] tail = new byte[extra];
        new Random(seed).nextBytes(tail);
        System.arraycopy(tail, 0, all, stub.length, extra);
        return all;
    }

    /** Writes such a kernel to {@code file}. */
    static Path write(Path file, int extra, long seed) throws IOException {
        return Files.write(file, bytes(extra, seed));
    }
}
