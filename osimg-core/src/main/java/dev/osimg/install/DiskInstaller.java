package dev.osimg.install;

import dev.osimg.blob.Progress;
import dev.osimg.disk.DeviceInUseException;
import dev.osimg.disk.DeviceUsage;
import dev.osimg.disk.ImageFileDevice;
import dev.osimg.disk.LinuxBlockDevice;
import dev.osimg.linux.Renames;
import dev.osimg.linux.TemporaryFiles;
import dev.osimg.osimage.OsImage;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

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
        Path target = imageFileTarget(file, force);
        InstallPlan plan = InstallPlan.compute(image, options, size, IMAGE_BLOCK_SIZE);
        // What killed installs left here (their owner is gone) goes first.
        TemporaryFiles.sweep(target.getParent());
        Path temp = TemporaryFiles.newPath(target.getParent(), target.getFileName().toString());
        boolean done = false;
        try {
            try (ImageFileDevice device = ImageFileDevice.create(temp, plan.diskSize(), IMAGE_BLOCK_SIZE)) {
                InstallApplier.apply(plan, device, false, progress);
            }
            if (force) {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                try {
                    Renames.moveNoReplace(temp, target);
                } catch (FileAlreadyExistsException e) {
                    throw new FileAlreadyExistsException(file.toString(), null,
                            "appeared while the disk was being written; it was left as it is (pass --force to replace it)");
                }
            }
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(temp);
            }
            TemporaryFiles.release(temp);
        }
        return plan;
    }

    /**
     * The path to write for {@code --disk file}: the file itself, or what a symbolic link points to. Only a
     * regular file (or nothing) is a disk image file: a device node, FIFO, socket or directory is never replaced.
     */
    private static Path imageFileTarget(Path file, boolean force) throws IOException {
        Path target = file.toAbsolutePath();
        if (Files.isSymbolicLink(target)) {
            if (!Files.exists(target)) {
                throw new FileAlreadyExistsException(file.toString(), null,
                        "is a symbolic link to a missing file, not a regular file; refusing to replace it");
            }
            target = target.toRealPath();
        }
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return target;
        }
        if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            String kind = Files.isDirectory(target) ? "a directory" : DeviceUsage.isBlockDevice(target)
                    ? "a block device (use --device)" : "a device node, FIFO or socket";
            throw new FileAlreadyExistsException(file.toString(), null, "is " + kind
                    + ", not a regular file; --disk creates or replaces disk image files only");
        }
        if (!force) {
            throw new FileAlreadyExistsException(file.toString(), null, "already exists; pass --force to replace it");
        }
        return target;
    }

    /**
     * Installs onto the block device {@code device}; refuses one that is not a block device, is a partition, is
     * mounted, holds a partition in use or backs a loop device, unless {@code force} (which also allows writing an
     * existing regular file in place).
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
            DeviceUsage usage = new DeviceUsage();
            Optional<String> partition = usage.partitionOf(device);
            if (partition.isPresent()) {
                throw new DeviceInUseException(partition.get() + "; a disk layout inside a partition does not boot."
                        + " Install onto the whole disk, or pass --force to write it into this partition anyway");
            }
            List<String> users = usage.users(device);
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
