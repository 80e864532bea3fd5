package dev.osimg.disk;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Finds out whether a path is a block device and what uses it (mounts, holders such as LVM or RAID). */
public final class DeviceUsage {
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;

    private final Path sysBlock;
    private final Path mountInfo;
    private final Path swaps;

    /** Reads the running system's {@code /sys/dev/block}, {@code /proc/self/mountinfo} and {@code /proc/swaps}. */
    public DeviceUsage() {
        this.sysBlock = Path.of("/sys/dev/block");
        this.mountInfo = Path.of("/proc/self/mountinfo");
        this.swaps = Path.of("/proc/swaps");
    }

    /** Whether {@code path} is a block device (following symbolic links). */
    public static boolean isBlockDevice(Path path) throws IOException {
        int mode = (Integer) Files.getAttribute(path, "unix:mode");
        return (mode & S_IFMT) == S_IFBLK;
    }

    /**
     * When the block device is a partition, says so and names its disk ("/dev/sda1 is partition 1 of
     * /dev/sda"); empty for a whole disk.
     */
    public Optional<String> partitionOf(Path device) throws IOException {
        Path sys = sysBlock.resolve(id(device));
        Path number = sys.resolve("partition");
        if (!Files.isRegularFile(number)) {
            return Optional.empty();
        }
        String disk = sys.toRealPath().getParent().getFileName().toString();
        return Optional.of(device + " is partition " + Files.readString(number).strip() + " of /dev/" + disk);
    }

    /**
     * What uses the block device or any of its partitions, one line each ("/dev/sda1 is mounted at /boot"):
     * mounts, holders (LVM, RAID, dm-crypt), loop devices over it and active swap; empty when nothing does.
     */
    public List<String> users(Path device) throws IOException {
        String id = id(device);
        Map<String, String> devices = new HashMap<>();
        devices.put(id, device.toString());
        Path sys = sysBlock.resolve(id);
        List<Path> nodes = new ArrayList<>();
        nodes.add(sys);
        if (Files.isDirectory(sys)) {
            Path real = sys.toRealPath();
            try (DirectoryStream<Path> children = Files.newDirectoryStream(real)) {
                for (Path child : children) {
                    if (Files.exists(child.resolve("partition")) && Files.exists(child.resolve("dev"))) {
                        devices.put(Files.readString(child.resolve("dev")).strip(), "/dev/" + child.getFileName());
                        nodes.add(child);
                    }
                }
            }
        }
        List<String> users = new ArrayList<>();
        for (String line : Files.readAllLines(mountInfo)) {
            String[] fields = line.split(" ");
            String source = mountSource(fields);
            if (fields.length > 4 && devices.containsKey(fields[2])) {
                users.add(devices.get(fields[2]) + " is mounted at " + unescape(fields[4]));
            } else if (fields.length > 4 && devices.containsValue(source)) {
                // A FUSE filesystem (fusefat, ntfs-3g) has a device number of its own; its source names the device.
                users.add(source + " is mounted at " + unescape(fields[4]));
            }
        }
        for (Path node : nodes) {
            Path holders = node.resolve("holders");
            if (Files.isDirectory(holders)) {
                try (DirectoryStream<Path> held = Files.newDirectoryStream(holders)) {
                    for (Path holder : held) {
                        users.add("/dev/" + node.toRealPath().getFileName() + " is held by " + holder.getFileName());
                    }
                }
            }
        }
        users.addAll(loopDevicesOver(devices));
        users.addAll(swapOn(devices));
        return users;
    }

    /** Loop devices whose backing file is the device or one of its partitions: the kernel lists no holder for them. */
    private List<String> loopDevicesOver(Map<String, String> devices) throws IOException {
        List<String> users = new ArrayList<>();
        try (DirectoryStream<Path> all = Files.newDirectoryStream(sysBlock)) {
            for (Path node : all) {
                Path backing = node.resolve("loop").resolve("backing_file");
                if (!Files.isRegularFile(backing)) {
                    continue;
                }
                String backingId = blockIdOrNull(Path.of(Files.readString(backing).strip()));
                if (backingId != null && devices.containsKey(backingId)) {
                    users.add(devices.get(backingId) + " backs the loop device /dev/" + node.toRealPath().getFileName());
                }
            }
        }
        return users;
    }

    /** Active swap on the device or one of its partitions. */
    private List<String> swapOn(Map<String, String> devices) throws IOException {
        List<String> users = new ArrayList<>();
        if (!Files.isReadable(swaps)) {
            return users;
        }
        List<String> lines = Files.readAllLines(swaps);
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] fields = line.split("\\s+");
            String swapId = fields.length > 1 ? blockIdOrNull(Path.of(unescape(fields[0]))) : null;
            if (swapId != null && devices.containsKey(swapId)) {
                users.add(devices.get(swapId) + " is in use as swap");
            }
        }
        return users;
    }

    /** {@code MAJOR:MINOR} of a block device node, or null when the path is not one (or is gone). */
    private static String blockIdOrNull(Path path) {
        try {
            return isBlockDevice(path) ? id(path) : null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private static String id(Path device) throws IOException {
        long rdev = (Long) Files.getAttribute(device, "unix:rdev");
        return major(rdev) + ":" + minor(rdev);
    }

    /**
     * Where the partition of the disk {@code device} that starts at {@code startSector} (512-byte sectors, as the
     * kernel counts them; partition numbers can skip unused GPT entries, starts cannot) is mounted (its first mount),
     * when it is: a mount of the partition's device number, or a mount whose source is the partition's node (FUSE
     * filesystems).
     */
    public Optional<Path> partitionMountPoint(Path device, long startSector) throws IOException {
        Path sys = sysBlock.resolve(id(device));
        if (!Files.isDirectory(sys)) {
            return Optional.empty();
        }
        String id = null;
        String node = null;
        try (DirectoryStream<Path> children = Files.newDirectoryStream(sys.toRealPath())) {
            for (Path child : children) {
                Path start = child.resolve("start");
                if (Files.exists(child.resolve("partition")) && Files.exists(start)
                        && Files.readString(start).strip().equals(String.valueOf(startSector))) {
                    id = Files.readString(child.resolve("dev")).strip();
                    node = "/dev/" + child.getFileName();
                }
            }
        }
        if (id == null) {
            return Optional.empty();
        }
        for (String line : Files.readAllLines(mountInfo)) {
            String[] fields = line.split(" ");
            if (fields.length > 4 && (fields[2].equals(id) || mountSource(fields).equals(node))) {
                return Optional.of(Path.of(unescape(fields[4])));
            }
        }
        return Optional.empty();
    }

    /** The mount source of a mountinfo line (the field after the separator and the filesystem type), or "". */
    private static String mountSource(String[] fields) {
        int separator = List.of(fields).indexOf("-");
        return separator > 0 && separator + 2 < fields.length ? unescape(fields[separator + 2]) : "";
    }

    private static long major(long rdev) {
        return ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
    }

    private static long minor(long rdev) {
        return (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
    }

    /** mountinfo escapes spaces and such as octal {@code \040}. */
    private static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
