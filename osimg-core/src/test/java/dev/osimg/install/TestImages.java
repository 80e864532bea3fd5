package dev.osimg.install;

import dev.osimg.oci.OciLayout;
import dev.osimg.osimage.Compression;
import dev.osimg.osimage.OsImage;
import dev.osimg.osimage.OsImageBuilder;
import dev.osimg.osimage.ProductInfo;
import dev.osimg.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Small OS images for install tests: a random "kernel.efi" and an ext4 "system" with files in it. */
final class TestImages {
    /** Small partitions so that test disks stay tiny: ESP 40, system 16 (x2), data 8 MiB. */
    static InstallOptions smallOptions() {
        InstallOptions o = InstallOptions.defaults();
        o = o.withPartition(PartitionRole.ESP, spec(PartitionRole.ESP, 40));
        o = o.withPartition(PartitionRole.SYSTEM_A, spec(PartitionRole.SYSTEM_A, 16));
        o = o.withPartition(PartitionRole.SYSTEM_B, spec(PartitionRole.SYSTEM_B, 16));
        return o.withPartition(PartitionRole.DATA, spec(PartitionRole.DATA, 8));
    }

    static PartitionSpec spec(PartitionRole role, long mib) {
        return new PartitionSpec(role.defaultLabel(), role.defaultType(), mib);
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Writes kernel.efi (random), system (an ext4 filesystem of 12 MiB with random files) and loader.efi into {@code dir}. */
    static void payloads(Path dir) throws IOException, InterruptedException {
        Files.write(dir.resolve("kernel.efi"), random(1_500_001, 1));
        Files.write(dir.resolve("loader.efi"), random(200_003, 2));
        Files.write(dir.resolve("parameters.pb"), random(77, 3));
        Path content = Files.createDirectories(dir.resolve("rootfs/etc"));
        Files.write(content.resolve("data.bin"), random(3_000_000, 4));
        Files.writeString(content.resolve("os-release"), "ID=test\n");
        Path system = dir.resolve("system");
        Tools.ok("mkfs.ext4", "-q", "-F", "-E", "root_owner=0:0", "-d", dir.resolve("rootfs").toString(), "-L", "testroot",
                "-U", "6f1bcc6a-7a1b-4c8e-9b77-5a3a2f4bdbf1", "-T", "default", system.toString(), "12M");
    }

    /** Builds an image of the payloads in {@code dir} into {@code out} and reads it. */
    static OsImage build(Path dir, Path out, Compression compression, List<String> names) throws IOException {
        OsImageBuilder builder = new OsImageBuilder()
                .productInfo(new ProductInfo("test", "Test OS", "1.0", "x86_64", "", "", false, List.of()))
                .compression(compression);
        for (String name : names) {
            builder.payload(name, dir.resolve(name));
        }
        builder.build(out);
        return OsImage.read(OciLayout.open(out).image(null));
    }

    static OsImage build(Path dir, Path out, Compression compression) throws IOException {
        return build(dir, out, compression, List.of("kernel.efi", "system"));
    }

    private TestImages() {
    }
}
