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

    /** Reads the running system's {@code /sys/dev/block} and {@code /proc/self/mountinfo}. */
    public DeviceUsage() {
        this(Path.of("/sys/dev/block"), Path.of("/proc/self/mountinfo"));
    }

    DeviceUsage(Path sysBlock, Path mountInfo) {
        this.sysBlock = sysBlock;
        this.mountInfo = mountInfo;
    }

    /** Whether {@code path} is a block device (following symbolic links). */
    public static boolean isBlockDevice(Path path) throws IOException {
        int mode = (Integer) Files.getAttribute(path, "unix:mode");
        return (mode & S_IFMT) == S_IFBLK;
    }

    /**
     * What uses the block device or any of its partitions, one line each ("/dev/sda1 is mounted at /boot");
     * empty when nothing does.
     */
    public List<String> users(Path device) throws IOException {
        long rdev = (Long) Files.getAttribute(device, "unix:rdev");
        String id = major(rdev) + ":" + minor(rdev);
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
            if (fields.length > 4 && devices.containsKey(fields[2])) {
                users.add(devices.get(fields[2]) + " is mounted at " + unescape(fields[4]));
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
        return users;
    }

    /** Where partition {@code number} of the disk {@code device} is mounted (its first mount), when it is. */
    public Optional<Path> partitionMountPoint(Path device, int number) throws IOException {
        long rdev = (Long) Files.getAttribute(device, "unix:rdev");
        Path sys = sysBlock.resolve(major(rdev) + ":" + minor(rdev));
        if (!Files.isDirectory(sys)) {
            return Optional.empty();
        }
        String id = null;
        try (DirectoryStream<Path> children = Files.newDirectoryStream(sys.toRealPath())) {
            for (Path child : children) {
                Path partition = child.resolve("partition");
                if (Files.exists(partition) && Files.readString(partition).strip().equals(String.valueOf(number))) {
                    id = Files.readString(child.resolve("dev")).strip();
                }
            }
        }
        if (id == null) {
            return Optional.empty();
        }
        for (String line : Files.readAllLines(mountInfo)) {
            String[] fields = line.split(" ");
            if (fields.length > 4 && fields[2].equals(id)) {
                return Optional.of(Path.of(unescape(fields[4])));
            }
        }
        return Optional.empty();
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
