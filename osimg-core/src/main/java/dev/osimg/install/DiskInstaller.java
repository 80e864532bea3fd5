package dev.osimg.install;

import dev.osimg.blob.Progress;
import dev.osimg.disk.DeviceInUseException;
import dev.osimg.disk.DeviceUsage;
import dev.osimg.disk.ImageFileDevice;
import dev.osimg.disk.LinuxBlockDevice;
import dev.osimg.osimage.OsImage;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Installs an OS image onto an image file or a block device: refuses targets in use or existing files
 * (unless forced), plans, then applies; a new image file appears under its name only when complete.
 */
public final class DiskInstaller {
    /** The block size of image files. */
    public static final int IMAGE_BLOCK_SIZE = 512;

    private DiskInstaller() {
    }

    /**
     * Installs onto the image file {@code file}, of {@code size} bytes (negative: exactly what the partitions
     * need). An existing file is refused unless {@code force}, and is replaced only once the new disk is complete.
     */
    public static InstallPlan toImageFile(OsImage image, InstallOptions options, Path file, long size, boolean force,
                                          Progress progress) throws IOException {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isDirectory(file) || DeviceUsage.isBlockDevice(file)) {
                throw new FileAlreadyExistsException(file.toString(), null,
                        "is a " + (Files.isDirectory(file) ? "directory" : "block device (use --device)"));
            }
            if (!force) {
                throw new FileAlreadyExistsException(file.toString(), null, "already exists; pass --force to replace it");
            }
        }
        InstallPlan plan = InstallPlan.compute(image, options, size, IMAGE_BLOCK_SIZE);
        Path parent = file.toAbsolutePath().getParent();
        Path temp = parent.resolve("." + file.getFileName() + ".osimg-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
        boolean done = false;
        try {
            try (ImageFileDevice device = ImageFileDevice.create(temp, plan.diskSize(), IMAGE_BLOCK_SIZE)) {
                InstallApplier.apply(plan, device, false, progress);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(temp);
            }
        }
        return plan;
    }

    /**
     * Installs onto the block device {@code device}; refuses one that is not a block device, is mounted or holds a
     * partition in use, unless {@code force} (which also allows writing an existing regular file in place).
     */
    public static InstallPlan toDevice(OsImage image, InstallOptions options, Path device, boolean force, Progress progress)
            throws IOException {
        if (!Files.exists(device)) {
            throw new NoSuchFileException(device.toString(), null, "no such device");
        }
        if (!DeviceUsage.isBlockDevice(device)) {
            if (!force || !Files.isRegularFile(device)) {
                throw new DeviceInUseException(device + " is not a block device; use --disk for image files"
                        + (Files.isRegularFile(device) ? ", or --force to write this file in place" : ""));
            }
            try (ImageFileDevice target = ImageFileDevice.open(device, IMAGE_BLOCK_SIZE, true)) {
                InstallPlan plan = InstallPlan.compute(image, options, target.size(), IMAGE_BLOCK_SIZE);
                InstallApplier.apply(plan, target, true, progress);
                return plan;
            }
        }
        if (!force) {
            List<String> users = new DeviceUsage().users(device);
            if (!users.isEmpty()) {
                throw new DeviceInUseException(device + " is in use: " + String.join("; ", users)
                        + ". Unmount it (or pass --force)");
            }
        }
        try (LinuxBlockDevice target = LinuxBlockDevice.open(device, !force)) {
            InstallPlan plan = InstallPlan.compute(image, options, target.size(), target.blockSize());
            InstallApplier.apply(plan, target, true, progress);
            target.rereadPartitions();
            return plan;
        }
    }
}
