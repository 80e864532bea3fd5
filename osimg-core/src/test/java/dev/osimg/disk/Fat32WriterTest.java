package dev.osimg.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osimg.blob.Blob;
import dev.osimg.blob.BytesBlob;
import dev.osimg.blob.FileBlob;
import dev.osimg.blob.Progress;
import dev.osimg.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Fat32WriterTest {
    @TempDir
    Path dir;

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Files with long names, names that collide in 8.3, nested and crowded directories, an empty file. */
    private Map<String, byte[]> sampleFiles() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("EFI/BOOT/BOOTx64.EFI", random(300_000, 1));
        files.put("EFI/metropolis/boot-a.efi", random(70_001, 2));
        files.put("EFI/metropolis/loader_state.pb", new byte[] {8, 1});
        files.put("metropolis/parameters.pb", new byte[0]);
        files.put("README.TXT", "plain 8.3 name".getBytes());
        files.put("a very long file name with spaces and more than twenty-six characters.data", random(1234, 3));
        for (int i = 0; i < 40; i++) {
            files.put("crowded/long-name-number-" + i + ".bin", random(100 + i, 10 + i));
        }
        return files;
    }

    private Path writeImage(Map<String, byte[]> files, long sizeMiB) throws Exception {
        FatTree tree = new FatTree();
        for (var e : files.entrySet()) {
            tree.add(e.getKey(), new BytesBlob(e.getValue()));
        }
        Fat32Layout layout = Fat32Layout.plan(sizeMiB << 20, 512, "TEST_VOL", tree);
        Path image = dir.resolve("fat.img");
        try (ImageFileDevice d = ImageFileDevice.create(image, sizeMiB << 20, 512)) {
            new Fat32Writer(layout, 0x12345678, LocalDateTime.of(2024, 5, 6, 7, 8, 10)).write(d, 0, true, Progress.NONE);
        }
        return image;
    }

    @Test
    void fsckFindsNoProblemAndMtoolsReadsEveryFileBack() throws Exception {
        Map<String, byte[]> files = sampleFiles();
        Path image = writeImage(files, 40);
        Tools.Result fsck = Tools.run("fsck.fat", "-n", "-V", image.toString());
        assertThat(fsck.exitCode()).as(fsck.output()).isZero();
        // fsck.fat counts files, the five directories and the volume label entry.
        assertThat(fsck.output()).contains((files.size() + 6) + " files").doesNotContain("Free cluster summary wrong");
        for (var e : files.entrySet()) {
            Path out = dir.resolve("out.bin");
            Files.deleteIfExists(out);
            Tools.ok("mcopy", "-n", "-i", image.toString(), "::" + e.getKey(), out.toString());
            assertThat(Files.readAllBytes(out)).as(e.getKey()).isEqualTo(e.getValue());
        }
        String blkid = Tools.ok("blkid", "-p", image.toString());
        assertThat(blkid).contains("TYPE=\"vfat\"").contains("VERSION=\"FAT32\"").contains("LABEL=\"TEST_VOL\"")
                .contains("UUID=\"1234-5678\"");
        assertThat(Tools.ok("mdir", "-i", image.toString(), "::EFI/metropolis")).contains("loader_state.pb").contains("boot-a.efi")
                .contains("2024-05-06");
    }

    @Test
    void readerReadsBackEveryFile() throws Exception {
        Map<String, byte[]> files = sampleFiles();
        Path image = writeImage(files, 40);
        try (ImageFileDevice d = ImageFileDevice.open(image, 512, false)) {
            Fat32Volume reader = Fat32Volume.open(d);
            assertThat(reader.label()).isEqualTo("TEST_VOL");
            for (var e : files.entrySet()) {
                assertThat(reader.readFile(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
            }
            assertThat(reader.list("crowded")).hasSize(40);
            assertThat(reader.list("")).extracting(Fat32Volume.Entry::name)
                    .containsExactly("EFI", "metropolis", "README.TXT",
                            "a very long file name with spaces and more than twenty-six characters.data", "crowded");
        }
    }

    @Test
    void readsWhatMkfsFatAndMtoolsWrote() throws Exception {
        Path image = dir.resolve("mkfs.img");
        Tools.ok("mkfs.fat", "-F", "32", "-n", "OTHER", "-C", image.toString(), String.valueOf(64 * 1024));
        Path src = dir.resolve("payload.bin");
        byte[] content = random(50_000, 7);
        Files.write(src, content);
        Tools.ok("mmd", "-i", image.toString(), "::Some Directory");
        Tools.ok("mcopy", "-i", image.toString(), src.toString(), "::Some Directory/a long name.bin");
        try (ImageFileDevice d = ImageFileDevice.open(image, 512, false)) {
            assertThat(Fat32Volume.open(d).readFile("some directory/A LONG NAME.bin")).isEqualTo(content);
        }
    }

    @Test
    void largerPartitionsGetTheRecommendedClusterSize() {
        assertThat(Fat32Geometry.forSize(128L << 20, 512).clusterSize()).isEqualTo(512);
        assertThat(Fat32Geometry.forSize(512L << 20, 512).clusterSize()).isEqualTo(4096);
        assertThat(Fat32Geometry.forSize(10L << 30, 512).clusterSize()).isEqualTo(8192);
        assertThat(Fat32Geometry.forSize(40L << 30, 512).clusterSize()).isEqualTo(32768);
        Fat32Geometry g = Fat32Geometry.forSize(128L << 20, 512);
        assertThat((g.clusterCount() + 2) * 4).isLessThanOrEqualTo(g.fatSectors() * 512);
        assertThat(g.clusterOffset(2) + g.clusterCount() * g.clusterSize()).isLessThanOrEqualTo(128L << 20);
    }

    @Test
    void aFourKibibyteClusterFilesystemPassesFsck() throws Exception {
        Path image = dir.resolve("big.img");
        FatTree tree = new FatTree().add("EFI/BOOT/BOOTx64.EFI", new BytesBlob(random(100_000, 4)));
        Fat32Layout layout = Fat32Layout.plan(300L << 20, 512, "BIG", tree);
        assertThat(layout.geometry().clusterSize()).isEqualTo(4096);
        try (ImageFileDevice d = ImageFileDevice.create(image, 300L << 20, 512)) {
            new Fat32Writer(layout, 1, LocalDateTime.of(2000, 1, 1, 0, 0)).write(d, 2048, true, Progress.NONE);
        }
        Tools.Result fsck = Tools.run("fsck.fat", "-n", image.toString());
        assertThat(fsck.exitCode()).as(fsck.output()).isZero();
    }

    @Test
    void filesFromLocalFilesAreCopiedByRange() throws Exception {
        Path src = dir.resolve("kernel.efi");
        Files.write(src, random(123_457, 9));
        FatTree tree = new FatTree().add("EFI/BOOT/BOOTx64.EFI", FileBlob.of(src));
        Fat32Layout layout = Fat32Layout.plan(40L << 20, 512, "X", tree);
        Path image = dir.resolve("f.img");
        try (ImageFileDevice d = ImageFileDevice.create(image, 40L << 20, 512)) {
            new Fat32Writer(layout, 1, LocalDateTime.of(2000, 1, 1, 0, 0)).write(d, 0, true, Progress.NONE);
            assertThat(Fat32Volume.open(d).readFile("EFI/BOOT/BOOTx64.EFI")).isEqualTo(Files.readAllBytes(src));
        }
    }

    @Test
    void refusesFilesThatDoNotFit() {
        Blob big = new Blob() {
            @Override
            public long size() {
                return 50L << 20;
            }

            @Override
            public java.io.InputStream open() {
                throw new AssertionError("planning must not read");
            }
        };
        FatTree tree = new FatTree().add("EFI/BOOT/BOOTx64.EFI", big);
        assertThatThrownBy(() -> Fat32Layout.plan(40L << 20, 512, "X", tree)).isInstanceOf(DiskSpaceException.class)
                .hasMessageContaining("need 50.0 MiB").hasMessageContaining("make the partition larger");
    }

    @Test
    void refusesPartitionsTooSmallForFat32() {
        assertThatThrownBy(() -> Fat32Layout.plan(16L << 20, 512, "X", new FatTree()))
                .isInstanceOf(DiskSpaceException.class).hasMessageContaining("FAT32 needs at least 65525");
    }

    @Test
    void refusesBadNamesAndLabels() {
        assertThatThrownBy(() -> new FatTree().add("EFI/a:b", new BytesBlob(new byte[0]))).hasMessageContaining("contains ':'");
        assertThatThrownBy(() -> new FatTree().add("x", new BytesBlob(new byte[0])).add("X", new BytesBlob(new byte[0])))
                .hasMessageContaining("given twice");
        assertThatThrownBy(() -> Fat32Layout.plan(40L << 20, 512, "TWELVE_CHARS", new FatTree()))
                .hasMessageContaining("1 to 11 characters");
    }
}
