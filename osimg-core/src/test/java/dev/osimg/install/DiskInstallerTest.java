package dev.osimg.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.osimg.blob.Progress;
import dev.osimg.digest.Digest;
import dev.osimg.disk.DiskSpaceException;
import dev.osimg.disk.Gpt;
import dev.osimg.disk.GptException;
import dev.osimg.disk.ImageFileDevice;
import dev.osimg.loader.AbLoader;
import dev.osimg.oci.OciLayout;
import dev.osimg.osimage.Compression;
import dev.osimg.osimage.OsImage;
import dev.osimg.osimage.OsImageBuilder;
import dev.osimg.osimage.OsImageFormatException;
import dev.osimg.osimage.PayloadVerificationException;
import dev.osimg.osimage.ProductInfo;
import dev.osimg.testing.Tools;
import java.io.RandomAccessFile;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskInstallerTest {
    private static final long MIB = 1 << 20;

    @TempDir
    static Path fixtures;

    @TempDir
    Path dir;

    private static OsImage plain;
    private static OsImage zstd;

    @BeforeAll
    static void buildImages() throws Exception {
        TestImages.payloads(fixtures);
        plain = TestImages.build(fixtures, fixtures.resolve("plain"), new Compression.None());
        zstd = TestImages.build(fixtures, fixtures.resolve("zstd"), new Compression.Zstd(3));
    }

    private static InstallOptions withLoader() {
        return TestImages.smallOptions().withLoader(Optional.of(fixtures.resolve("loader.efi")))
                .withNodeParameters(Optional.of(fixtures.resolve("parameters.pb")));
    }

    private static byte[] slice(Path file, long offset, int length) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            byte[] b = new byte[length];
            f.seek(offset);
            f.readFully(b);
            return b;
        }
    }

    private static long allocatedBytes(Path file) throws Exception {
        return Long.parseLong(Tools.ok("stat", "-c", "%b*%B", file.toString()).strip().split("\\*")[0]) * 512;
    }

    @Test
    void installedDiskPassesTheRealTools() throws Exception {
        Path disk = dir.resolve("disk.img");
        InstallPlan plan = DiskInstaller.toImageFile(zstd, withLoader(), disk, 128 * MIB, false, Progress.NONE);
        assertThat(Files.size(disk)).isEqualTo(128 * MIB);

        assertThat(Tools.ok("sgdisk", "-v", disk.toString())).contains("No problems found");
        JsonNode parts = JsonMapper.builder().build().readTree(Tools.ok("sfdisk", "--json", disk.toString()))
                .get("partitiontable").get("partitions");
        assertThat(parts).hasSize(4);
        String[][] expected = {
            {"ESP", "C12A7328-F81F-11D2-BA4B-00A0C93EC93B", "2048", String.valueOf(40 * 2048)},
            {"METROPOLIS-SYSTEM-A", "EE96054B-F6D0-4267-AAAA-724B2AFEA74C", String.valueOf(41 * 2048), String.valueOf(16 * 2048)},
            {"METROPOLIS-SYSTEM-B", "EE96054B-F6D0-4267-BBBB-724B2AFEA74C", String.valueOf(57 * 2048), String.valueOf(16 * 2048)},
            // The data partition takes the rest: up to the backup GPT (33 sectors).
            {"METROPOLIS-NODE-DATA", "9EEEC464-6885-414A-B278-4305C51F7966", String.valueOf(73 * 2048),
                String.valueOf(128 * 2048 - 73 * 2048 - 33)},
        };
        for (int i = 0; i < 4; i++) {
            JsonNode p = parts.get(i);
            assertThat(p.get("name").asText()).isEqualTo(expected[i][0]);
            assertThat(p.get("type").asText()).isEqualTo(expected[i][1]);
            assertThat(p.get("start").asText()).isEqualTo(expected[i][2]);
            assertThat(p.get("size").asText()).isEqualTo(expected[i][3]);
            assertThat(p.get("uuid").asText()).isEqualToIgnoringCase(plan.partitions().get(i).entry().id().toString());
        }

        Path esp = dir.resolve("esp.img");
        Files.write(esp, slice(disk, MIB, (int) (40 * MIB)));
        Tools.Result fsck = Tools.run("fsck.fat", "-n", esp.toString());
        assertThat(fsck.exitCode()).as(fsck.output()).isZero();
        Map<String, byte[]> files = Map.of(
                "EFI/BOOT/BOOTx64.EFI", Files.readAllBytes(fixtures.resolve("loader.efi")),
                "EFI/metropolis/boot-a.efi", Files.readAllBytes(fixtures.resolve("kernel.efi")),
                "EFI/metropolis/loader_state.pb", new byte[] {0x08, 0x01},
                "metropolis/parameters.pb", Files.readAllBytes(fixtures.resolve("parameters.pb")));
        for (var e : files.entrySet()) {
            Path out = dir.resolve("out");
            Files.deleteIfExists(out);
            Tools.ok("mcopy", "-n", "-i", esp.toString(), "::" + e.getKey(), out.toString());
            assertThat(Files.readAllBytes(out)).as(e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(Tools.ok("mdir", "-/", "-b", "-i", esp.toString(), "::").lines().filter(l -> !l.endsWith("/")).count())
                .as("no other files on the ESP than these and slot A's record").isEqualTo(files.size() + 1);
        assertThat(Tools.ok("mtype", "-i", esp.toString(), "::EFI/metropolis/slot-a.json"))
                .contains("\"manifest_digest\": \"sha256:").contains("\"written_by\": \"install\"");

        byte[] system = Files.readAllBytes(fixtures.resolve("system"));
        assertThat(slice(disk, 41 * MIB, system.length)).isEqualTo(system);

        assertThat(Tools.ok("blkid", "-p", "-O", String.valueOf(MIB), disk.toString()))
                .contains("TYPE=\"vfat\"").contains("VERSION=\"FAT32\"").contains("LABEL=\"MNGN_BOOT\"");
        assertThat(Tools.ok("blkid", "-p", "-O", String.valueOf(41 * MIB), disk.toString()))
                .contains("TYPE=\"ext4\"").contains("LABEL=\"testroot\"");
        try (ImageFileDevice d = ImageFileDevice.open(disk, 512, false)) {
            assertThat(Gpt.read(d)).isEqualTo(plan.gpt());
        }
    }

    @Test
    void eachPhaseAdvancesExactlyTheTotalItAnnounced() throws Exception {
        // A bar that stops at 97 % (a total rounded up to whole clusters) or runs past 100 % tells the user wrong.
        for (boolean unverified : new boolean[] {false, true}) {
            java.util.Map<String, long[]> phases = new java.util.LinkedHashMap<>();
            Progress recording = new Progress() {
                private String step;

                @Override
                public void begin(String name, long totalBytes) {
                    step = name;
                    phases.put(name, new long[] {totalBytes, 0});
                }

                @Override
                public void advance(long bytes) {
                    phases.get(step)[1] += bytes;
                }
            };
            Path disk = dir.resolve("progress-" + unverified + ".img");
            DiskInstaller.toImageFile(unverified ? plain : zstd, withLoader().withUnverified(unverified), disk, -1, false,
                    recording);
            assertThat(phases).containsKeys(InstallApplier.PHASE_ESP, InstallApplier.PHASE_SYSTEM);
            for (var phase : phases.entrySet()) {
                if (phase.getValue()[0] >= 0) {
                    assertThat(phase.getValue()[1]).as(phase.getKey() + (unverified ? " (unverified)" : ""))
                            .isEqualTo(phase.getValue()[0]);
                }
            }
        }
    }

    @Test
    void imageFilesStaySparseAndSizedExactlyWithoutASize() throws Exception {
        Path disk = dir.resolve("exact.img");
        DiskInstaller.toImageFile(plain, TestImages.smallOptions().withUnverified(true), disk, -1, false, Progress.NONE);
        // 1 MiB of GPT and alignment, the partitions, and the backup GPT (33 sectors).
        assertThat(Files.size(disk)).isEqualTo((1 + 40 + 16 + 16 + 8) * MIB + 33 * 512);
        assertThat(Tools.ok("sgdisk", "-v", disk.toString())).contains("No problems found");
        long payloads = Files.size(fixtures.resolve("kernel.efi")) + Files.size(fixtures.resolve("system"));
        long fats = 2 * 320 * 1024; // two FATs of a 40 MiB filesystem with 512-byte clusters, rounded up
        assertThat(allocatedBytes(disk)).isLessThanOrEqualTo(payloads + fats + MIB);
        byte[] system = Files.readAllBytes(fixtures.resolve("system"));
        assertThat(slice(disk, 41 * MIB, system.length)).isEqualTo(system);
    }

    @Test
    void reproducibleInstallsAreByteIdentical() throws Exception {
        Path a = dir.resolve("a.img");
        Path b = dir.resolve("b.img");
        InstallOptions options = withLoader().withReproducible(true);
        InstallPlan planA = DiskInstaller.toImageFile(plain, options, a, 100 * MIB, false, Progress.NONE);
        DiskInstaller.toImageFile(zstd, options.withReproducible(true), b, 100 * MIB, false, Progress.NONE);
        // Different manifests (zstd and plain) give different GUIDs; the same image gives the same bytes.
        Path c = dir.resolve("c.img");
        InstallPlan planC = DiskInstaller.toImageFile(plain, options, c, 100 * MIB, false, Progress.NONE);
        assertThat(Files.mismatch(a, c)).isEqualTo(-1L);
        assertThat(planC.gpt()).isEqualTo(planA.gpt());
        assertThat(Files.mismatch(a, b)).isNotEqualTo(-1L);
        Path d = dir.resolve("d.img");
        InstallPlan random = DiskInstaller.toImageFile(plain, withLoader(), d, 100 * MIB, false, Progress.NONE);
        assertThat(random.gpt().diskGuid()).isNotEqualTo(planA.gpt().diskGuid());
    }

    @Test
    void installsOsimgsOwnAbLoaderByDefault() throws Exception {
        Path disk = dir.resolve("default.img");
        InstallPlan plan = DiskInstaller.toImageFile(plain, TestImages.smallOptions(), disk, -1, false, Progress.NONE);
        assertThat(plan.directBoot()).isFalse();
        assertThat(plan.loader()).contains(AbLoader.NAME);
        String esp = disk + "@@" + MIB;
        assertThat(espFile(esp, "EFI/BOOT/BOOTx64.EFI")).isEqualTo(AbLoader.bytes());
        assertThat(espFile(esp, "EFI/metropolis/boot-a.efi")).isEqualTo(Files.readAllBytes(fixtures.resolve("kernel.efi")));
        assertThat(espFile(esp, "EFI/metropolis/loader_state.pb")).containsExactly(0x08, 0x01);
        // A PE32+ EFI application: "MZ", then at e_lfanew "PE\0\0", machine x86-64 (0x8664), subsystem 10.
        byte[] loader = AbLoader.bytes();
        int pe = ByteBuffer.wrap(loader, 0x3c, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        assertThat(new String(loader, 0, 2, StandardCharsets.US_ASCII)).isEqualTo("MZ");
        assertThat(Arrays.copyOfRange(loader, pe, pe + 6)).containsExactly('P', 'E', 0, 0, 0x64, 0x86);
        assertThat(loader[pe + 24 + 68] | loader[pe + 24 + 69] << 8).as("subsystem").isEqualTo(10);
    }

    @Test
    void directBootPutsTheKernelAtTheFallbackPathAndInSlotA() throws Exception {
        Path disk = dir.resolve("direct.img");
        InstallPlan plan = DiskInstaller.toImageFile(plain, TestImages.smallOptions().withDirectBoot(true), disk, -1, false,
                Progress.NONE);
        assertThat(plan.directBoot()).isTrue();
        assertThat(plan.loader()).isEmpty();
        String esp = disk + "@@" + MIB;
        byte[] kernel = Files.readAllBytes(fixtures.resolve("kernel.efi"));
        assertThat(espFile(esp, "EFI/BOOT/BOOTx64.EFI")).isEqualTo(kernel);
        assertThat(espFile(esp, "EFI/metropolis/boot-a.efi")).isEqualTo(kernel);
        assertThat(Tools.ok("mdir", "-i", esp, "::EFI/metropolis")).contains("slot-a.json").doesNotContain("loader_state");
    }

    @Test
    void aarch64ImagesNeedALoaderFileOrDirectBoot() throws Exception {
        Path out = dir.resolve("arm");
        new OsImageBuilder().productInfo(new ProductInfo("test", "Test OS", "1.0", "aarch64", "", "", false, List.of()))
                .compression(new Compression.None())
                .payload("kernel.efi", fixtures.resolve("kernel.efi")).payload("system", fixtures.resolve("system"))
                .build(out);
        OsImage arm = OsImage.read(OciLayout.open(out).image(null));
        assertThat(AbLoader.forArchitecture("aarch64")).isEmpty();
        assertThatThrownBy(() -> InstallPlan.compute(arm, TestImages.smallOptions(), -1, 512))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("osimg's A/B loader is built for x86_64 only, and this image is aarch64")
                .hasMessageContaining("pass --loader FILE").hasMessageContaining("--direct-boot");
        InstallPlan direct = InstallPlan.compute(arm, TestImages.smallOptions().withDirectBoot(true), -1, 512);
        assertThat(direct.bootPath()).isEqualTo("EFI/BOOT/BOOTAA64.EFI");
        InstallPlan given = InstallPlan.compute(arm, TestImages.smallOptions().withLoader(Optional.of(fixtures.resolve("loader.efi"))),
                -1, 512);
        assertThat(given.bootPath()).isEqualTo("EFI/BOOT/BOOTAA64.EFI");
        assertThat(given.loader()).contains(fixtures.resolve("loader.efi").toString());
    }

    @Test
    void aLoaderFileAndDirectBootExcludeEachOther() {
        assertThatThrownBy(() -> TestImages.smallOptions().withDirectBoot(true).withLoader(Optional.of(Path.of("l.efi"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exclude each other");
    }

    private byte[] espFile(String esp, String path) throws Exception {
        Path out = Files.createTempFile(dir, "esp", ".file");
        Files.delete(out);
        Tools.ok("mcopy", "-n", "-i", esp, "::" + path, out.toString());
        byte[] bytes = Files.readAllBytes(out);
        Files.delete(out);
        return bytes;
    }

    @Test
    void refusesADiskTooSmallBeforeWriting() {
        Path disk = dir.resolve("small.img");
        assertThatThrownBy(() -> DiskInstaller.toImageFile(plain, TestImages.smallOptions(), disk, 64 * MIB, false, Progress.NONE))
                .isInstanceOf(DiskSpaceException.class).hasMessageContaining("the disk is 67108864 bytes (64 MiB)")
                .hasMessageContaining("need").hasMessageContaining("use a larger disk");
        assertThat(disk).doesNotExist();
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void refusesAnEspTooSmallForItsFiles() throws Exception {
        Path big = dir.resolve("payloads");
        Files.createDirectories(big);
        try (RandomAccessFile f = new RandomAccessFile(big.resolve("kernel.efi").toFile(), "rw")) {
            f.setLength(41 * MIB);
        }
        Files.copy(fixtures.resolve("system"), big.resolve("system"));
        OsImage image = TestImages.build(big, dir.resolve("img"), new Compression.None());
        assertThatThrownBy(() -> DiskInstaller.toImageFile(image, TestImages.smallOptions(), dir.resolve("d.img"), -1, false,
                Progress.NONE)).isInstanceOf(DiskSpaceException.class)
                .hasMessageContaining("ESP (--esp-size 40)").hasMessageContaining("need 41.1 MiB");
        assertThat(dir.resolve("d.img")).doesNotExist();
    }

    @Test
    void refusesASystemPayloadLargerThanItsPartition() {
        InstallOptions options = TestImages.smallOptions().withPartition(PartitionRole.SYSTEM_A, TestImages.spec(PartitionRole.SYSTEM_A, 8));
        assertThatThrownBy(() -> InstallPlan.compute(plain, options, -1, 512)).isInstanceOf(DiskSpaceException.class)
                .hasMessageContaining("payload \"system\" is").hasMessageContaining("use --system-size 12");
    }

    @Test
    void refusesAnImageWithoutASystemPayload() throws Exception {
        OsImage kernelOnly = TestImages.build(fixtures, dir.resolve("k"), new Compression.None(), List.of("kernel.efi"));
        assertThatThrownBy(() -> DiskInstaller.toImageFile(kernelOnly, TestImages.smallOptions(), dir.resolve("d.img"), -1,
                false, Progress.NONE)).isInstanceOf(OsImageFormatException.class)
                .hasMessageContaining("has no payload named \"system\"");
        assertThat(dir.resolve("d.img")).doesNotExist();
    }

    @Test
    void unverifiedInstallsNeedUncompressedPayloads() {
        assertThatThrownBy(() -> InstallPlan.compute(zstd, TestImages.smallOptions().withUnverified(true), -1, 512))
                .isInstanceOf(OsImageFormatException.class).hasMessageContaining("needs an uncompressed");
    }

    @Test
    void refusesAMissingLoader() {
        InstallOptions options = TestImages.smallOptions().withLoader(Optional.of(dir.resolve("nope.efi")));
        assertThatThrownBy(() -> InstallPlan.compute(plain, options, -1, 512))
                .hasMessageContaining("nope.efi").hasMessageContaining("A/B loader (--loader) is not a readable file");
    }

    @Test
    void corruptPayloadStopsTheInstallAndLeavesNoValidTable() throws Exception {
        Path layout = dir.resolve("corrupt");
        OsImage good = TestImages.build(fixtures, layout, new Compression.None());
        Digest systemDigest = good.payload("system").layer().digest();
        Path blob = OciLayout.blobPath(layout, systemDigest);
        byte[] bytes = Files.readAllBytes(blob);
        bytes[(int) (5 * MIB) + 17] ^= 1;
        Files.delete(blob); // the builder may have hard-linked it to the fixture
        Files.write(blob, bytes);
        OsImage corrupt = OsImage.read(OciLayout.open(layout).image(null));

        // A disk that held a valid table before.
        Path disk = dir.resolve("disk.img");
        DiskInstaller.toImageFile(plain, TestImages.smallOptions(), disk, 100 * MIB, false, Progress.NONE);
        assertThat(Tools.ok("sgdisk", "-v", disk.toString())).contains("No problems found");

        assertThatThrownBy(() -> DiskInstaller.toDevice(corrupt, TestImages.smallOptions(), disk, true, Progress.NONE))
                .isInstanceOf(PayloadVerificationException.class).hasMessageContaining("chunk 5");
        try (ImageFileDevice d = ImageFileDevice.open(disk, 512, false)) {
            assertThatThrownBy(() -> Gpt.read(d)).isInstanceOf(GptException.class);
        }
        Tools.Result sfdisk = Tools.run("sfdisk", "--json", disk.toString());
        assertThat(sfdisk.stdout()).doesNotContain("partitions");

        // Into a new file: nothing is left behind.
        Path fresh = dir.resolve("fresh.img");
        assertThatThrownBy(() -> DiskInstaller.toImageFile(corrupt, TestImages.smallOptions(), fresh, -1, false, Progress.NONE))
                .isInstanceOf(PayloadVerificationException.class);
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("corrupt", "disk.img");
        }
    }

    @Test
    void refusesAnExistingFileUnlessForcedAndLeavesItUntouched() throws Exception {
        Path disk = dir.resolve("existing.img");
        Files.writeString(disk, "precious");
        assertThatThrownBy(() -> DiskInstaller.toImageFile(plain, TestImages.smallOptions(), disk, -1, false, Progress.NONE))
                .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("pass --force");
        assertThat(Files.readString(disk)).isEqualTo("precious");
        DiskInstaller.toImageFile(plain, TestImages.smallOptions(), disk, -1, true, Progress.NONE);
        assertThat(Tools.ok("sgdisk", "-v", disk.toString())).contains("No problems found");
    }

    @Test
    void refusesAFileGivenAsDevice() throws Exception {
        Path file = dir.resolve("file.img");
        Files.write(file, new byte[4096]);
        assertThatThrownBy(() -> DiskInstaller.toDevice(plain, TestImages.smallOptions(), file, false, Progress.NONE))
                .hasMessageContaining("is not a block device").hasMessageContaining("--force");
        assertThat(Files.readAllBytes(file)).isEqualTo(new byte[4096]);
    }

    private static int mode(Path p) throws Exception {
        return (Integer) Files.getAttribute(p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void forceReplacesOnlyRegularFilesNeverDevicesFifosOrSockets() throws Exception {
        Path fifo = dir.resolve("fifo");
        Tools.ok("mkfifo", fifo.toString());
        Path nullDevice = dir.resolve("null");
        Tools.ok("mknod", nullDevice.toString(), "c", "1", "3");
        Path socket = dir.resolve("socket");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Path toNull = Files.createSymbolicLink(dir.resolve("to-null"), nullDevice);
            Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
            for (Path target : List.of(fifo, nullDevice, socket, toNull, dangling)) {
                int before = mode(target);
                assertThatThrownBy(() -> DiskInstaller.toImageFile(plain, TestImages.smallOptions(), target, -1, true,
                        Progress.NONE)).as(target.toString()).isInstanceOf(FileAlreadyExistsException.class)
                        .hasMessageContaining("not a regular file");
                assertThat(mode(target)).as(target.toString()).isEqualTo(before);
            }
        }
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("fifo", "null", "socket", "to-null", "dangling");
        }
    }

    @Test
    void forceThroughASymbolicLinkReplacesTheFileItPointsTo() throws Exception {
        Path real = dir.resolve("real.img");
        Files.writeString(real, "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.img"), real.getFileName());
        DiskInstaller.toImageFile(plain, TestImages.smallOptions(), link, -1, true, Progress.NONE);
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Tools.ok("sgdisk", "-v", real.toString())).contains("No problems found");
    }

    @Test
    void neverReplacesAFileThatAppearsDuringTheInstall() throws Exception {
        Path disk = dir.resolve("race.img");
        Progress sneaky = new Progress() {
            @Override
            public void begin(String step, long totalBytes) {
                if (step.equals(InstallApplier.PHASE_TABLE)) {
                    try {
                        Files.writeString(disk, "theirs");
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
        };
        assertThatThrownBy(() -> DiskInstaller.toImageFile(plain, TestImages.smallOptions(), disk, -1, false, sneaky))
                .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("pass --force");
        assertThat(Files.readString(disk)).isEqualTo("theirs");
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("race.img");
        }
    }

    @Test
    void ofConcurrentInstallsToOneNewPathExactlyOneSucceeds() throws Exception {
        Path disk = dir.resolve("shared.img");
        List<Future<InstallPlan>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (int i = 0; i < 4; i++) {
                Callable<InstallPlan> install = () -> DiskInstaller.toImageFile(plain, TestImages.smallOptions(), disk, -1, false,
                        Progress.NONE);
                results.add(pool.submit(install));
            }
        }
        int succeeded = 0;
        for (Future<InstallPlan> f : results) {
            try {
                f.get();
                succeeded++;
            } catch (java.util.concurrent.ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(FileAlreadyExistsException.class);
            }
        }
        assertThat(succeeded).isEqualTo(1);
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactly("shared.img");
        }
    }

    @Test
    void refusesPartitionSizesThatOverflowOrExceedTheFormats() {
        // 2^44 + 8 MiB is 2^64 + 8 MiB bytes: it once wrapped around to 8 MiB slots.
        assertThatThrownBy(() -> TestImages.spec(PartitionRole.SYSTEM_A, 17_592_186_044_424L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("17592186044424 MiB is too large");
        long huge = (Long.MAX_VALUE >> 20) - 64;
        InstallOptions twoHugeSlots = TestImages.smallOptions()
                .withPartition(PartitionRole.SYSTEM_A, TestImages.spec(PartitionRole.SYSTEM_A, huge))
                .withPartition(PartitionRole.SYSTEM_B, TestImages.spec(PartitionRole.SYSTEM_B, huge));
        assertThatThrownBy(() -> InstallPlan.compute(plain, twoHugeSlots, -1, 512)).isInstanceOf(DiskSpaceException.class)
                .hasMessageContaining("the partitions add up to more than");
        // FAT32 counts sectors in 32 bits: 2 TiB - 512 bytes with 512-byte sectors.
        InstallOptions bigEsp = TestImages.smallOptions().withPartition(PartitionRole.ESP, TestImages.spec(PartitionRole.ESP,
                3L << 20));
        assertThatThrownBy(() -> InstallPlan.compute(plain, bigEsp, -1, 512)).isInstanceOf(DiskSpaceException.class)
                .hasMessageContaining("ESP (--esp-size 3145728)").hasMessageContaining("FAT32")
                .hasMessageContaining("2097151 MiB");
        InstallOptions maxEsp = TestImages.smallOptions().withPartition(PartitionRole.ESP, TestImages.spec(PartitionRole.ESP,
                Long.MAX_VALUE >> 20));
        assertThatThrownBy(() -> InstallPlan.compute(plain, maxEsp, -1, 512)).isInstanceOf(DiskSpaceException.class)
                .hasMessageContaining("FAT32").hasMessageNotContaining("-1 MiB");
    }

    @Test
    void whatAKilledInstallLeftBesideTheTargetIsSweptByTheNextInstall() throws Exception {
        Path stale = dir.resolve(dev.osimg.testing.StaleTemporaries.ofExitedProcess("disk.img"));
        try (RandomAccessFile f = new RandomAccessFile(stale.toFile(), "rw")) {
            f.setLength(100 * MIB);
        }
        Path running = Files.writeString(dir.resolve(dev.osimg.testing.StaleTemporaries.ofThisProcess("other.img")), "busy");
        DiskInstaller.toImageFile(plain, TestImages.smallOptions(), dir.resolve("disk.img"), -1, false, Progress.NONE);
        try (var listing = Files.list(dir)) {
            assertThat(listing.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("disk.img", running.getFileName().toString());
        }
    }
}
