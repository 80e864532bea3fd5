package dev.osimg.efi;

import dev.osimg.linux.Libc;
import dev.osimg.linux.FileLock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/** UEFI variables through Linux's {@code efivarfs}: boot entries ({@code Boot####}) and {@code BootOrder}. */
public final class EfiVarFs {
    /** The vendor GUID of the global variables ({@code Boot####}, {@code BootOrder}). */
    public static final UUID GLOBAL_VARIABLE = UUID.fromString("8be4df61-93ca-11d2-aa0d-00e098032b8c");
    /** Non-volatile, boot-service and runtime access. */
    public static final int NV_BS_RT = 0x7;
    /** Where the kernel mounts efivarfs. */
    public static final Path DEFAULT_DIRECTORY = Path.of("/sys/firmware/efi/efivars");

    private final Path directory;

    /** Variables in {@code directory} (efivarfs, or any directory in tests). */
    public EfiVarFs(Path directory) {
        this.directory = directory;
    }

    /**
     * Checks, before anything is written anywhere, that variables can be written here: the directory exists and
     * is writable (efivarfs is mounted, and read-write).
     */
    public void requireWritable() throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new NoSuchFileException(directory.toString(), null, "no efivarfs here: this machine did not boot"
                    + " through UEFI, or efivarfs is not mounted (--efivarfs DIR names another place)");
        }
        if (!Files.isWritable(directory)) {
            throw new AccessDeniedException(directory.toString(), null, "efivarfs is not writable: run as root, or"
                    + " remount it read-write");
        }
    }

    /** The variable's file name: {@code Name-guid}. */
    public static String fileName(String name, UUID vendor) {
        return name + "-" + vendor.toString().toLowerCase(Locale.ROOT);
    }

    /** A variable's data (without the attribute word), or null when it does not exist. */
    public byte[] read(String name, UUID vendor) throws IOException {
        Path file = directory.resolve(fileName(name, vendor));
        if (!Files.exists(file)) {
            return null;
        }
        byte[] raw = Files.readAllBytes(file);
        if (raw.length < 4) {
            throw new IOException(file + " holds " + raw.length + " bytes; an efivarfs file starts with 4 attribute bytes");
        }
        return Arrays.copyOfRange(raw, 4, raw.length);
    }

    /**
     * Writes (creates or replaces) a variable with attributes NV|BS|RT in one write, as efivarfs requires,
     * clearing the immutable flag the kernel sets on existing variables first.
     */
    public void write(String name, UUID vendor, byte[] data) throws IOException {
        Path file = directory.resolve(fileName(name, vendor));
        if (Files.exists(file)) {
            clearImmutable(file);
        }
        ByteBuffer content = ByteBuffer.allocate(4 + data.length).order(ByteOrder.LITTLE_ENDIAN);
        content.putInt(NV_BS_RT).put(data).flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            int written = ch.write(content);
            if (written != 4 + data.length) {
                throw new IOException(file + ": efivarfs took " + written + " of " + (4 + data.length) + " bytes");
            }
        }
    }

    /**
     * Adds {@code option} as a boot entry (reusing an identical existing entry) and puts it first in {@code BootOrder}.
     * The whole read-modify-write holds an exclusive lock of the variables' directory, so that two installs at once
     * (processes or threads) neither take the same {@code Boot####} number nor drop each other from {@code BootOrder}.
     *
     * @return the entry number ({@code Boot####})
     */
    public int addBootEntry(LoadOption option) throws IOException {
        try (FileLock lock = FileLock.acquire(directory)) {
            return addBootEntryLocked(option);
        }
    }

    private int addBootEntryLocked(LoadOption option) throws IOException {
        byte[] encoded = option.encode();
        int number = -1;
        List<Integer> used = new ArrayList<>();
        try (var files = Files.list(directory)) {
            for (Path p : files.toList()) {
                String n = p.getFileName().toString();
                if (n.matches("Boot[0-9A-F]{4}-" + GLOBAL_VARIABLE)) {
                    int candidate = Integer.parseInt(n.substring(4, 8), 16);
                    used.add(candidate);
                    if (number < 0 && Arrays.equals(read(n.substring(0, 8), GLOBAL_VARIABLE), encoded)) {
                        number = candidate;
                    }
                }
            }
        }
        if (number < 0) {
            number = 0;
            while (used.contains(number)) {
                number++;
            }
            if (number > 0xFFFF) {
                throw new IOException(directory + ": every Boot#### number is taken");
            }
            write(bootName(number), GLOBAL_VARIABLE, encoded);
        }
        byte[] order = read("BootOrder", GLOBAL_VARIABLE);
        ByteBuffer updated = ByteBuffer.allocate((order == null ? 0 : order.length) + 2).order(ByteOrder.LITTLE_ENDIAN);
        updated.putShort((short) number);
        if (order != null) {
            ByteBuffer old = ByteBuffer.wrap(order).order(ByteOrder.LITTLE_ENDIAN);
            while (old.remaining() >= 2) {
                short entry = old.getShort();
                if ((entry & 0xffff) != number) {
                    updated.putShort(entry);
                }
            }
        }
        write("BootOrder", GLOBAL_VARIABLE, Arrays.copyOf(updated.array(), updated.position()));
        return number;
    }

    /** {@code Boot0001} for 1. */
    public static String bootName(int number) {
        return "Boot" + HexFormat.of().withUpperCase().toHexDigits((short) number);
    }

    private static void clearImmutable(Path file) throws IOException {
        int fd = Libc.open(file, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        try {
            long flags;
            try {
                flags = Libc.ioctlReadLong(fd, Libc.FS_IOC_GETFLAGS, "FS_IOC_GETFLAGS on " + file);
            } catch (IOException e) {
                // Filesystems without inode flags (tmpfs in tests) have nothing to clear.
                return;
            }
            if ((flags & Libc.FS_IMMUTABLE_FL) != 0) {
                int errno = Libc.ioctlWriteLong(fd, Libc.FS_IOC_SETFLAGS, flags & ~Libc.FS_IMMUTABLE_FL);
                if (errno != 0) {
                    throw Libc.failure("clearing the immutable flag of " + file, errno);
                }
            }
        } finally {
            Libc.close(fd);
        }
    }
}
