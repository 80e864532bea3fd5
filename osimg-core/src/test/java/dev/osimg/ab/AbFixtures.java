package dev.osimg.ab;

import dev.osimg.blob.Progress;
import dev.osimg.disk.ImageFileDevice;
import dev.osimg.install.DiskInstaller;
import dev.osimg.install.InstallOptions;
import dev.osimg.install.PartitionRole;
import dev.osimg.install.PartitionSpec;
import dev.osimg.oci.OciLayout;
import dev.osimg.osimage.Compression;
import dev.osimg.osimage.OsImage;
import dev.osimg.osimage.OsImageBuilder;
import dev.osimg.osimage.ProductInfo;
import dev.osimg.testing.Tools;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/** Small OS images of numbered versions and A/B disks installed from them, for the A/B tests. */
final class AbFixtures {
    static final long SYSTEM_MIB = 4;

    private AbFixtures() {
    }

    static byte[] kernel(int version) {
        return random(300_000 + version, version);
    }

    static byte[] system(int version, int size) {
        byte[] b = random(size, 1000 + version);
        // A run of zeros, so that a sparse write has something to skip.
        java.util.Arrays.fill(b, 8192, Math.min(size, 8192 + 65536), (byte) 0);
        return b;
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** An image of version {@code version} with a {@code system} of {@code systemSize} bytes, in {@code dir/v<N>}. */
    static OsImage image(Path dir, int version, int systemSize) throws IOException {
        Path payloads = Files.createDirectories(dir.resolve("payloads-" + version + "-" + systemSize));
        Files.write(payloads.resolve("kernel.efi"), kernel(version));
        Files.write(payloads.resolve("system"), system(version, systemSize));
        Path out = dir.resolve("v" + version + "-" + systemSize);
        new OsImageBuilder().productInfo(new ProductInfo("test", "Test OS", version + ".0", "x86_64", "", "", false, List.of()))
                .compression(new Compression.Zstd(1))
                .payload("kernel.efi", payloads.resolve("kernel.efi"))
                .payload("system", payloads.resolve("system"))
                .build(out);
        return OsImage.read(OciLayout.open(out).image(null));
    }

    static InstallOptions options(Path loader) {
        InstallOptions o = InstallOptions.defaults().withLoader(Optional.of(loader));
        o = o.withPartition(PartitionRole.ESP, spec(PartitionRole.ESP, 40));
        o = o.withPartition(PartitionRole.SYSTEM_A, spec(PartitionRole.SYSTEM_A, SYSTEM_MIB));
        o = o.withPartition(PartitionRole.SYSTEM_B, spec(PartitionRole.SYSTEM_B, SYSTEM_MIB));
        return o.withPartition(PartitionRole.DATA, spec(PartitionRole.DATA, 0));
    }

    private static PartitionSpec spec(PartitionRole role, long mib) {
        return new PartitionSpec(role.defaultLabel(), role.defaultType(), mib);
    }

    /** Installs {@code image} onto a new disk file with a stand-in loader (these tests do not boot). */
    static Path install(Path dir, OsImage image, String name) throws IOException {
        Path loader = dir.resolve("loader.efi");
        if (!Files.exists(loader)) {
            Files.write(loader, random(50_000, 77));
        }
        Path disk = dir.resolve(name);
        DiskInstaller.toImageFile(image, options(loader), disk, -1, false, Progress.NONE);
        return disk;
    }

    /** Copies the bytes of a partition of {@code disk} into a file of its own (for fsck.fat and mtools). */
    static Path extract(Path disk, long offset, long size, Path out) throws IOException {
        try (FileChannel in = FileChannel.open(disk); FileChannel o = FileChannel.open(out, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            long done = 0;
            while (done < size) {
                done += in.transferTo(offset + done, size - done, o.position(done));
            }
        }
        return out;
    }

    /** Bytes of a slot partition, as long as {@code length}. */
    static byte[] slotBytes(Path disk, AbLayout layout, dev.osimg.install.LoaderState.Slot slot, int length) throws IOException {
        try (ImageFileDevice d = ImageFileDevice.open(disk, 512, false)) {
            ByteBuffer b = ByteBuffer.allocate(length);
            d.read(layout.offset(layout.system(slot)), b);
            return b.array();
        }
    }

    /** fsck.fat -n on the ESP of {@code disk}: it must find nothing to repair. */
    static void assertEspClean(Path disk, AbLayout layout) throws Exception {
        Path esp = extract(disk, layout.offset(layout.esp()), layout.size(layout.esp()), disk.resolveSibling("esp-check.img"));
        try {
            Tools.Result fsck = Tools.run("fsck.fat", "-n", esp.toString());
            org.assertj.core.api.Assertions.assertThat(fsck.exitCode()).as(fsck.output()).isZero();
        } finally {
            Files.delete(esp);
        }
    }
}
