package dev.osimg.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real disk tools (sgdisk, sfdisk, fsck.fat, mtools, blkid, ...) for tests; a missing tool fails the test. */
public final class Tools {
    private Tools() {
    }

    /** The result of a tool run. */
    public record Result(int exitCode, String stdout, String stderr) {
        /** Both streams, for assertion messages. */
        public String output() {
            return stdout + stderr;
        }
    }

    /** Runs a command and returns its result, whatever its exit code. */
    public static Result run(String... command) throws IOException, InterruptedException {
        require(command[0]);
        Path out = Files.createTempFile("tool", ".out");
        Path err = Files.createTempFile("tool", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().put("MTOOLS_SKIP_CHECK", "1");
            pb.environment().put("LC_ALL", "C");
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " did not finish in 120 s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Runs a command that must succeed; returns its standard output. */
    public static String ok(String... command) throws IOException, InterruptedException {
        Result r = run(command);
        if (r.exitCode() != 0) {
            fail(String.join(" ", command) + " exited with " + r.exitCode() + ":\n" + r.output());
        }
        return r.stdout();
    }

    /** Fails unless {@code tool} is on the PATH (or an absolute path that exists), naming the Debian package. */
    public static void require(String tool) {
        if (tool.startsWith("/")) {
            if (!Files.exists(Path.of(tool))) {
                fail(tool + " is missing; install the Debian package that provides it (see scripts/install-test-deps)");
            }
            return;
        }
        List<String> path = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        path.addAll(List.of("/usr/sbin", "/sbin"));
        for (String dir : path) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return;
            }
        }
        fail(tool + " is not installed; the tests need it (Debian: " + packageOf(tool) + ", see scripts/install-test-deps)");
    }

    private static String packageOf(String tool) {
        return switch (tool) {
            case "sgdisk" -> "gdisk";
            case "sfdisk", "losetup", "blkid", "mount", "umount" -> "fdisk / util-linux / mount";
            case "fsck.fat", "mkfs.fat" -> "dosfstools";
            case "mcopy", "mdir" -> "mtools";
            case "mkfs.ext4" -> "e2fsprogs";
            case "objcopy" -> "binutils";
            case "qemu-system-x86_64" -> "qemu-system-x86";
            case "chattr", "lsattr" -> "e2fsprogs";
            default -> "?";
        };
    }
}
