package dev.osimg.cli;

import static dev.osimg.cli.InstallCommandTest.osimg;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.osimg.testing.Tools;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code osimg update} in a child process killed with SIGKILL as soon as it reports the end of each of its steps:
 * the disk still boots the old slot, {@code status} tells what each slot holds, and the next update completes.
 */
class UpdateKillTest {
    @TempDir
    Path dir;

    @Test
    void anUpdateKilledAtAnyStepLeavesTheOldSlotBooting() throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        Path loader = images.resolve("loader.efi");
        Files.write(loader, AbCommandsTest.random(60_000, 99));
        String v1 = AbCommandsTest.build(images, 1, 2 << 20);
        String v2 = AbCommandsTest.build(images, 2, 6 << 20);
        Path pristine = AbCommandsTest.install(Files.createDirectories(dir.resolve("pristine")), v1, loader);
        Path disk = dir.resolve("disk.img");
        int killedBeforeTheEnd = 0;
        for (String phase : List.of("prepare", "system", "kernel", "record")) {
            Files.copy(pristine, disk, StandardCopyOption.REPLACE_EXISTING);
            List<String> command = CliRunner.command(List.of("-XX:TieredStopAtLevel=1"), "update", v2, "--disk", disk.toString());
            Process child = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try (BufferedReader err = new BufferedReader(new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null && !line.startsWith(phase + " ")) {
                    // Wait for the phase to end.
                }
                assertThat(line).as("phase line of " + phase).isNotNull();
                child.destroyForcibly();
            }
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            JsonNode s = AbCommandsTest.status("--disk", disk.toString());
            if (s.get("state").get("next").isNull()) {
                killedBeforeTheEnd++;
                assertThat(s.get("boots_next").asText()).as("killed after %s", phase).isEqualTo("a");
                assertThat(s.get("slots").get(0).get("image").get("version").asText()).isEqualTo("1.0");
                JsonNode b = s.get("slots").get(1).get("image");
                assertThat(b.isNull() || b.get("version").asText().equals("2.0")).as(b.toString()).isTrue();
            } else {
                assertThat(s.get("boots_next").asText()).isEqualTo("b");
                assertThat(s.get("slots").get(1).get("image").get("version").asText()).isEqualTo("2.0");
            }
            assertThat(mtype(disk, "EFI/metropolis/boot-a.efi")).isEqualTo(Files.readAllBytes(images.resolve(
                    "payloads-1/kernel.efi")));
            InstallCommandTest.Run again = osimg("update", v2, "--disk", disk.toString(), "-q");
            assertThat(again.exitCode()).as(again.err()).isZero();
            assertEspClean(disk);
        }
        assertThat(killedBeforeTheEnd).isGreaterThan(2);
    }

    private static byte[] mtype(Path disk, String path) throws Exception {
        Path out = disk.resolveSibling("mtype.out");
        Files.deleteIfExists(out);
        Tools.ok("mcopy", "-n", "-i", disk + "@@" + (1 << 20), "::" + path, out.toString());
        return Files.readAllBytes(out);
    }

    private static void assertEspClean(Path disk) throws Exception {
        Path esp = disk.resolveSibling("esp.img");
        try (FileChannel in = FileChannel.open(disk); FileChannel out = FileChannel.open(esp, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            long size = 40L << 20;
            long done = 0;
            while (done < size) {
                done += in.transferTo((1L << 20) + done, size - done, out.position(done));
            }
        }
        Tools.Result fsck = Tools.run("fsck.fat", "-n", esp.toString());
        assertThat(fsck.exitCode()).as(fsck.output()).isZero();
        Files.delete(esp);
    }
}
