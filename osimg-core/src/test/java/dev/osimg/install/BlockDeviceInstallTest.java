package dev.osimg.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.osimg.blob.Progress;
import dev.osimg.disk.DeviceInUseException;
import dev.osimg.osimage.Compression;
import dev.osimg.osimage.OsImage;
import dev.osimg.testing.Tools;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Installs onto a real Linux block device: a loop device over a file (needs root and losetup). */
class BlockDeviceInstallTest {
    @TempDir
    Path dir;

    private String loop;
    private Path mountPoint;
    private String stacked;

    @BeforeEach
    void attachLoopDevice() throws Exception {
        Path backing = dir.resolve("backing.img");
        try (RandomAccessFile f = new RandomAccessFile(backing.toFile(), "rw")) {
            f.setLength(100L << 20);
        }
        loop = Tools.ok("losetup", "--find", "--show", "--partscan", backing.toString()).strip();
    }

    @AfterEach
    void detach() throws Exception {
        if (mountPoint != null) {
            Tools.run("umount", mountPoint.toString());
        }
        if (stacked != null) {
            Tools.run("losetup", "-d", stacked);
        }
        if (loop != null) {
            Tools.run("partx", "-d", loop);
            Tools.run("losetup", "-d", loop);
        }
    }

    @Test
    void installsOntoABlockDevice() throws Exception {
        TestImages.payloads(dir);
        OsImage image = TestImages.build(dir, dir.resolve("img"), new Compression.Zstd(1));
        InstallPlan plan = DiskInstaller.toDevice(image, TestImages.smallOptions(), Path.of(loop), false, Progress.NONE);
        assertThat(plan.diskSize()).isEqualTo(100L << 20);
        assertThat(Tools.ok("sgdisk", "-v", loop)).contains("No problems found");
        JsonNode parts = JsonMapper.builder().build().readTree(Tools.ok("sfdisk", "--json", loop)).get("partitiontable")
                .get("partitions");
        assertThat(parts).hasSize(4);
        assertThat(parts.get(3).get("name").asText()).isEqualTo("METROPOLIS-NODE-DATA");
        assertThat(Tools.ok("blkid", "-p", "-O", String.valueOf(41L << 20), loop)).contains("TYPE=\"ext4\"");
    }

    @Test
    void refusesAMountedDevice() throws Exception {
        TestImages.payloads(dir);
        OsImage image = TestImages.build(dir, dir.resolve("img"), new Compression.None());
        Tools.ok("mkfs.ext4", "-q", "-F", loop);
        mountPoint = Files.createDirectory(dir.resolve("mnt"));
        Tools.ok("mount", loop, mountPoint.toString());
        assertThatThrownBy(() -> DiskInstaller.toDevice(image, TestImages.smallOptions(), Path.of(loop), false, Progress.NONE))
                .isInstanceOf(DeviceInUseException.class)
                .hasMessageContaining(loop + " is mounted at " + mountPoint)
                .hasMessageContaining("Unmount it");
        Tools.ok("umount", mountPoint.toString());
        mountPoint = null;
        // Untouched: still the filesystem, no partition table.
        assertThat(Tools.ok("blkid", "-p", loop)).contains("TYPE=\"ext4\"");
        assertThat(Tools.run("sfdisk", "--json", loop).stdout()).doesNotContain("partitions");
    }

    @Test
    void refusesAPartitionUnlessForced() throws Exception {
        TestImages.payloads(dir);
        OsImage image = TestImages.build(dir, dir.resolve("img"), new Compression.None());
        Tools.ok("sgdisk", "-n", "1:2048:+90M", loop);
        Tools.ok("partx", "-a", loop);
        Path partition = Path.of(loop + "p1");
        assertThat(partition).exists();
        Tools.ok("mkfs.ext4", "-q", "-F", partition.toString());
        assertThatThrownBy(() -> DiskInstaller.toDevice(image, TestImages.smallOptions(), partition, false, Progress.NONE))
                .isInstanceOf(DeviceInUseException.class)
                .hasMessageContaining(partition + " is partition 1 of " + loop)
                .hasMessageContaining("--force");
        assertThat(Tools.ok("blkid", "-p", partition.toString())).contains("TYPE=\"ext4\"");
        InstallPlan plan = DiskInstaller.toDevice(image, TestImages.smallOptions(), partition, true, Progress.NONE);
        assertThat(plan.diskSize()).isEqualTo(90L << 20);
    }

    @Test
    void refusesADeviceThatBacksALoopDevice() throws Exception {
        TestImages.payloads(dir);
        OsImage image = TestImages.build(dir, dir.resolve("img"), new Compression.None());
        Tools.ok("mkfs.ext4", "-q", "-F", loop);
        stacked = Tools.ok("losetup", "--find", "--show", loop).strip();
        assertThatThrownBy(() -> DiskInstaller.toDevice(image, TestImages.smallOptions(), Path.of(loop), false, Progress.NONE))
                .isInstanceOf(DeviceInUseException.class)
                .hasMessageContaining(loop + " backs the loop device " + stacked);
        assertThat(Tools.ok("blkid", "-p", loop)).contains("TYPE=\"ext4\"");
    }
}
