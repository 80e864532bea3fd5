package dev.osimg.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osimg.testing.Tools;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the filesystem cannot clone (ext4 here, where the test directory is): sparse copies keep holes, copy targets are allocated. */
class FileClonerTest {
    @TempDir
    Path dir;

    @Test
    void copiesOnlyTheDataExtentsAndKeepsTheSize() throws Exception {
        Path source = dir.resolve("source");
        byte[] a = new byte[1 << 20];
        byte[] b = new byte[3 << 20];
        new Random(1).nextBytes(a);
        new Random(2).nextBytes(b);
        try (RandomAccessFile f = new RandomAccessFile(source.toFile(), "rw")) {
            f.setLength(512L << 20);
            f.seek(5L << 20);
            f.write(a);
            f.seek(300L << 20);
            f.write(b);
        }
        Path target = dir.resolve("target");
        FileCloner.cloneOrCopySparse(source, target);
        assertThat(Files.size(target)).isEqualTo(512L << 20);
        assertThat(Files.mismatch(source, target)).isEqualTo(-1);
        long blocks = Long.parseLong(Tools.ok("stat", "-c", "%b", target.toString()).strip());
        assertThat(blocks * 512).as("allocated bytes").isLessThan(16L << 20);
    }

    @Test
    void onAFilesystemThatNeverClonesTheTargetIsCreatedEmptyForTheCopy() throws Exception {
        Path source = dir.resolve("source");
        Files.write(source, new byte[3 << 20]);
        Path target = dir.resolve("target");

        assertThat(FileCloner.cloneOrAllocate(source, target, 3 << 20)).isFalse();

        assertThat(target).exists();
        assertThat(Files.size(target)).isZero();
    }

    @Test
    void aTargetWhoseCloneFailedIsAllocatedToTheSizeForTheCopy() throws Exception {
        Path source = dir.resolve("source");
        Files.write(source, new byte[3 << 20]);
        Path target = dir.resolve("target");

        assertThat(FileCloner.cloneOrCreate(source, target, 3 << 20)).isFalse();

        assertThat(Files.size(target)).isEqualTo(3 << 20);
        long blocks = Long.parseLong(Tools.ok("stat", "-c", "%b", target.toString()).strip());
        assertThat(blocks * 512).as("allocated bytes").isGreaterThanOrEqualTo(3 << 20);
        assertThat(FileCloner.tryClone(source, dir.resolve("other"))).isFalse();
        assertThat(dir.resolve("other")).doesNotExist();
    }
}
