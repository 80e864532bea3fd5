package dev.osimg.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osimg.blob.BytesBlob;
import dev.osimg.blob.FileBlob;
import dev.osimg.blob.Progress;
import dev.osimg.testing.PowerCutDevice;
import dev.osimg.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Edits in place of a FAT32 filesystem, each checked by fsck.fat and read back by mtools. */
class Fat32VolumeTest {
    private static final LocalDateTime TIME = LocalDateTime.of(2025, 3, 4, 5, 6, 8);

    @TempDir
    Path dir;

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A 40 MiB FAT32 image as the installer writes an ESP. */
    private Path esp() throws Exception {
        FatTree tree = new FatTree();
        tree.add("EFI/BOOT/BOOTx64.EFI", new BytesBlob(random(100_000, 1)));
        tree.add("EFI/metropolis/boot-a.efi", new BytesBlob(random(300_001, 2)));
        tree.add("EFI/metropolis/loader_state.pb", new BytesBlob(new byte[] {8, 1}));
        Path image = dir.resolve("esp.img");
        try (ImageFileDevice d = ImageFileDevice.create(image, 40L << 20, 512)) {
            new Fat32Writer(Fat32Layout.plan(40L << 20, 512, "MNGN_BOOT", tree), 42, TIME).write(d, 0, true, Progress.NONE);
        }
        return image;
    }

    static void assertClean(Path image) throws Exception {
        Tools.Result fsck = Tools.run("fsck.fat", "-n", "-V", image.toString());
        assertThat(fsck.exitCode()).as(fsck.output()).isZero();
        assertThat(fsck.output()).doesNotContain("Free cluster summary wrong");
    }

    static byte[] mtype(Path image, String path) throws Exception {
        Path out = image.resolveSibling("mcopy.out");
        Files.deleteIfExists(out);
        // A UTF-8 locale, so that mtools matches long names beyond ASCII.
        Tools.ok("env", "LC_ALL=C.UTF-8", "mcopy", "-n", "-i", image.toString(), "::" + path, out.toString());
        byte[] data = Files.readAllBytes(out);
        Files.delete(out);
        return data;
    }

    @Test
    void replacesAFileSoThatFsckAndMtoolsSeeTheNewContent() throws Exception {
        Path image = esp();
        long free;
        long expectedFree;
        try (ImageFileDevice d = ImageFileDevice.open(image, 512, true)) {
            Fat32Volume v = Fat32Volume.open(d);
            free = v.freeBytes();
            v.writeFile("EFI/metropolis/loader_state.pb", new BytesBlob(new byte[] {8, 1, 16, 2}), TIME, Progress.NONE);
            v.writeFile("efi/METROPOLIS/boot-a.efi", new BytesBlob(random(5000, 9)), TIME, Progress.NONE);
            expectedFree = free + v.allocatedSize(300_001) - v.allocatedSize(5000);
            assertThat(v.freeBytes()).isEqualTo(expectedFree);
        }
        assertClean(image);
        assertThat(Tools.ok("mtype", "-i", image.toString(), "::EFI/metropolis/loader_state.pb").getBytes(StandardCharsets.ISO_8859_1))
                .containsExactly(8, 1, 16, 2);
        assertThat(mtype(image, "EFI/metropolis/boot-a.efi")).isEqualTo(random(5000, 9));
        assertThat(Tools.ok("mdir", "-i", image.toString(), "::EFI/metropolis")).contains("boot-a.efi").contains("loader_state.pb");
        try (ImageFileDevice d = ImageFileDevice.open(image, 512, false)) {
            assertThat(Fat32Volume.open(d).freeBytes()).isEqualTo(expectedFree);
        }
    }

    @Test
    void addsFilesAndDirectoriesAndGrowsAFullDirectory() throws Exception {
        Path image = esp();
        Path local = dir.resolve("local.bin");
        Files.write(local, random(700_000, 5));
        try (ImageFileDevice d = ImageFileDevice.open(image, 512, true)) {
            Fat32Volume v = Fat32Volume.open(d);
            v.writeFile("EFI/metropolis/boot-b.efi", FileBlob.of(local), TIME, Progress.NONE);
            v.writeFile("EFI/metropolis/slot-a.json", new BytesBlob("{}".getBytes()), TIME, Progress.NONE);
            v.makeDirectories("new/deeper/still", TIME);
            // 512-byte clusters hold 16 slots: 30 long names need several clusters more.
            for (int i = 0; i < 30; i++) {
                v.writeFile("new/deeper/a long name number " + i + ".txt", new BytesBlob(("file " + i).getBytes()), TIME,
                        Progress.NONE);
            }
            v.writeFile("EMPTY.TXT", new BytesBlob(new byte[0]), TIME, Progress.NONE);
            assertThat(v.list("new/deeper")).hasSize(31);
        }
        assertClean(image);
        assertThat(mtype(image, "EFI/metropolis/boot-b.efi")).isEqualTo(random(700_000, 5));
        assertThat(mtype(image, "new/deeper/a long name number 29.txt")).isEqualTo("file 29".getBytes());
        assertThat(mtype(image, "EMPTY.TXT")).isEmpty();
        assertThat(Tools.ok("mdir", "-i", image.toString(), "::new/deeper")).contains("still").contains("a long name number 17.txt");
    }

    @Test
    void deletesFilesAndFreesTheirClusters() throws Exception {
        Path image = esp();
        try (ImageFileDevice d = ImageFileDevice.open(image, 512, true)) {
            Fat32Volume v = Fat32Volume.open(d);
            long free = v.freeBytes();
            v.deleteFile("EFI/metropolis/boot-a.efi");
            v.deleteFile("EFI/metropolis/not-there.efi");
            assertThat(v.freeBytes()).isEqualTo(free + v.allocatedSize(300_001));
            assertThat(v.find("EFI/metropolis/boot-a.efi")).isEmpty();
            // The freed slots and clusters are used again.
            v.writeFile("EFI/metropolis/boot-a.efi", new BytesBlob(random(1000, 3)), TIME, Progress.NONE);
        }
        assertClean(image);
        assertThat(mtype(image, "EFI/metropolis/boot-a.efi")).isEqualTo(random(1000, 3));
    }

    @Test
    void refusesWhatDoesNotFitBeforeWriting() throws Exception {
        Path image = esp();
        byte[] before = Files.readAllBytes(image);
        try (ImageFileDevice d = ImageFileDevice.open(image, 512, true)) {
            Fat32Volume v = Fat32Volume.open(d);
            assertThatThrownBy(() -> v.writeFile("EFI/big.bin", new BytesBlob(new byte[(int) v.freeBytes() + 1]), TIME,
                    Progress.NONE)).isInstanceOf(DiskSpaceException.class).hasMessageContaining("free");
            assertThatThrownBy(() -> v.writeFile("EFI/metropolis", new BytesBlob(new byte[1]), TIME, Progress.NONE))
                    .hasMessageContaining("is a directory");
            assertThatThrownBy(() -> v.writeFile("EFI/a:b", new BytesBlob(new byte[1]), TIME, Progress.NONE))
                    .hasMessageContaining("which FAT does not allow");
        }
        assertThat(Files.readAllBytes(image)).isEqualTo(before);
    }

    @Test
    void refusesADeviceWithoutFat32() throws Exception {
        Path image = dir.resolve("zero.img");
        try (ImageFileDevice d = ImageFileDevice.create(image, 1 << 20, 512)) {
            assertThatThrownBy(() -> Fat32Volume.open(d)).hasMessageContaining("does not hold a FAT32 filesystem");
        }
    }

    /**
     * A replacement of the state file and of a large file, and an addition, cut by a power loss after every possible
     * number of writes: each file reads back whole, old or new (in this class and in mtools), and the next edit leaves
     * a filesystem fsck.fat finds clean.
     */
    @Test
    void aPowerCutAtAnyWriteLeavesTheOldOrTheNewFile() throws Exception {
        Path pristine = esp();
        byte[] oldState = {8, 1};
        byte[] newState = {8, 1, 16, 2};
        byte[] oldKernel = random(300_001, 2);
        byte[] newKernel = random(200_000, 7);
        Path image = dir.resolve("cut.img");
        long total = -1;
        for (long cut = 0; total < 0 || cut <= total; cut++) {
            Files.copy(pristine, image, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            try (PowerCutDevice d = new PowerCutDevice(ImageFileDevice.open(image, 512, true), total < 0 ? -1 : cut)) {
                try {
                    Fat32Volume v = Fat32Volume.open(d);
                    v.writeFile("EFI/metropolis/loader_state.pb", new BytesBlob(newState), TIME, Progress.NONE);
                    v.writeFile("EFI/metropolis/boot-a.efi", new BytesBlob(newKernel), TIME, Progress.NONE);
                    v.writeFile("EFI/metropolis/slot-b.json", new BytesBlob("{\"slot\":\"b\"}".getBytes()), TIME, Progress.NONE);
                    if (total < 0) {
                        total = d.writes();
                        cut = -1;
                        continue;
                    }
                } catch (PowerCutDevice.PowerCut expected) {
                    // The state the power cut left is checked below.
                }
            }
            assertThat(mtype(image, "EFI/metropolis/loader_state.pb")).as("cut at %d", cut).isIn(oldState, newState);
            assertThat(mtype(image, "EFI/metropolis/boot-a.efi")).as("cut at %d", cut).isIn(oldKernel, newKernel);
            try (ImageFileDevice d = ImageFileDevice.open(image, 512, true)) {
                Fat32Volume v = Fat32Volume.open(d);
                assertThat(v.readFile("EFI/metropolis/loader_state.pb")).isIn(oldState, newState);
                if (v.find("EFI/metropolis/slot-b.json").isPresent()) {
                    assertThat(v.readFile("EFI/metropolis/slot-b.json")).isEqualTo("{\"slot\":\"b\"}".getBytes());
                }
                v.writeFile("EFI/metropolis/loader_state.pb", new BytesBlob(oldState), TIME, Progress.NONE);
            }
            assertClean(image);
        }
        assertThat(total).isGreaterThan(15);
    }
}
