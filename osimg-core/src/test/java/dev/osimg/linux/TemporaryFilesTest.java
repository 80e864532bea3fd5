package dev.osimg.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sweeping what dead processes left behind, and only that. */
class TemporaryFilesTest {
    @TempDir
    Path dir;

    /** The owner stamp of a process that has exited: this JVM's namespace, the dead child's PID and start time. */
    private static String deadOwner() throws Exception {
        // Still running while its start time is read; then it exits and its PID names nobody (or a later process).
        Process p = new ProcessBuilder("sleep", "60").start();
        long start = p.toHandle().info().startInstant().orElseThrow().toEpochMilli();
        p.destroy();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String ours = TemporaryFiles.ownerStamp();
        String namespace = ours.substring(0, ours.indexOf('-'));
        return namespace + "-" + p.pid() + "-" + Long.toHexString(start);
    }

    @Test
    void sweepOwnedRemovesTheDirectoriesOfDeadOwnersOnly() throws Exception {
        Path dead = Files.createDirectories(dir.resolve("work-dead"));
        Files.writeString(dead.resolve(".owner"), deadOwner());
        Files.write(Files.createDirectories(dead.resolve("node01")).resolve("disk.img"), new byte[4096]);
        Path live = Files.createDirectories(dir.resolve("work-live"));
        Files.writeString(live.resolve(".owner"), TemporaryFiles.ownerStamp());
        Path unowned = Files.createDirectories(dir.resolve("work-unowned"));
        Path otherNamespace = Files.createDirectories(dir.resolve("work-container"));
        Files.writeString(otherNamespace.resolve(".owner"), "1-" + Long.MAX_VALUE + "-1");
        Path otherName = Files.createDirectories(dir.resolve("mine-dead"));
        Files.writeString(otherName.resolve(".owner"), deadOwner());

        assertThat(TemporaryFiles.sweepOwned(dir, "work-*", ".owner")).isEqualTo(1);

        assertThat(dead).doesNotExist();
        assertThat(live).isDirectory();
        assertThat(unowned).isDirectory();
        assertThat(otherNamespace).isDirectory();
        assertThat(otherName).isDirectory();
        assertThat(TemporaryFiles.sweepOwned(dir.resolve("missing"), "work-*", ".owner")).isZero();
    }
}
