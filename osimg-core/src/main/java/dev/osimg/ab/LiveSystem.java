package dev.osimg.ab;

import dev.osimg.disk.DeviceUsage;
import dev.osimg.disk.Gpt;
import dev.osimg.disk.GptPartition;
import dev.osimg.disk.LinuxBlockDevice;
import dev.osimg.efi.EfiVarFs;
import dev.osimg.install.LoaderState.Slot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The running system as the A/B loader left it: the disk it booted from (the disk whose GPT holds the partition
 * {@code LoaderDevicePartUUID} names), the running slot ({@code LoaderEntrySelected}, else
 * {@code PARTLABEL=…-SYSTEM-X} on the kernel command line) and where the ESP is mounted, if it is.
 *
 * @param disk          the whole disk's device node
 * @param espPartUuid   the ESP's partition GUID
 * @param running       the slot the system runs from
 * @param runningSource how the running slot was learnt, for messages
 * @param espMount      the ESP's mount point, when it is mounted
 */
public record LiveSystem(Path disk, UUID espPartUuid, Slot running, String runningSource, Optional<Path> espMount) {
    /** The vendor GUID of the Boot Loader Interface variables. */
    public static final UUID LOADER_VENDOR = UUID.fromString("4a67b082-0a4c-41cf-b6c7-440b29bb8c4f");
    private static final Pattern ENTRY = Pattern.compile("(?i)(?:^|[\\\\/])boot-([ab])\\.efi$");
    private static final Pattern PARTLABEL = Pattern.compile("(?:^|\\s)(?:root=)?PARTLABEL=\\S*-SYSTEM-([AB])(?:\\s|$)");

    /**
     * Finds the running system through the variables in {@code efivarfs}, the kernel command line {@code cmdline}
     * and the block devices under {@code /sys/block}.
     */
    public static LiveSystem detect(Path efivarfs, String cmdline) throws IOException {
        EfiVarFs vars = new EfiVarFs(efivarfs);
        String partUuidText = utf16(vars.read("LoaderDevicePartUUID", LOADER_VENDOR));
        if (partUuidText == null) {
            throw new NotAnAbDiskException("the running system was not started by an A/B loader that tells its disk: "
                    + efivarfs.resolve(EfiVarFs.fileName("LoaderDevicePartUUID", LOADER_VENDOR)) + " does not exist; "
                    + "give the disk with --disk FILE or --device DEV");
        }
        UUID partUuid;
        try {
            partUuid = UUID.fromString(partUuidText);
        } catch (IllegalArgumentException e) {
            throw new NotAnAbDiskException("LoaderDevicePartUUID in " + efivarfs + " is \"" + partUuidText + "\", not a GUID");
        }
        Slot running = null;
        String source = null;
        String entry = utf16(vars.read("LoaderEntrySelected", LOADER_VENDOR));
        if (entry != null) {
            Matcher m = ENTRY.matcher(entry.strip());
            if (m.find()) {
                running = Slot.valueOf(m.group(1).toUpperCase(Locale.ROOT));
                source = "LoaderEntrySelected=" + entry.strip();
            }
        }
        if (running == null) {
            Optional<Slot> fromCmdline = slotFromCmdline(cmdline);
            if (fromCmdline.isEmpty()) {
                throw new NotAnAbDiskException("cannot tell which slot runs: LoaderEntrySelected in " + efivarfs + " is "
                        + (entry == null ? "not set" : "\"" + entry + "\"") + " and the kernel command line has no "
                        + "PARTLABEL=…-SYSTEM-A or -B");
            }
            running = fromCmdline.get();
            source = "PARTLABEL=…-SYSTEM-" + running + " on the kernel command line";
        }
        Located found = findDisk(partUuid);
        Optional<Path> mount = new DeviceUsage().partitionMountPoint(found.disk(), found.startSector());
        return new LiveSystem(found.disk(), partUuid, running, source, mount);
    }

    /** The slot named by {@code PARTLABEL=…-SYSTEM-X} on a kernel command line, as the reference system passes it. */
    public static Optional<Slot> slotFromCmdline(String cmdline) {
        Matcher m = PARTLABEL.matcher(cmdline);
        return m.find() ? Optional.of(Slot.valueOf(m.group(1))) : Optional.empty();
    }

    /** A disk, and where on it the partition starts, in the kernel's 512-byte sectors (as sysfs gives it). */
    private record Located(Path disk, long startSector) {
    }

    /** The whole disk whose GPT holds partition {@code partUuid}: every disk under /sys/block is read. */
    private static Located findDisk(UUID partUuid) throws IOException {
        try (DirectoryStream<Path> disks = Files.newDirectoryStream(Path.of("/sys/block"))) {
            for (Path sys : disks) {
                Path size = sys.resolve("size");
                if (!Files.exists(size) || Files.readString(size).strip().equals("0")) {
                    continue;
                }
                Path node = Path.of("/dev", sys.getFileName().toString());
                if (!Files.exists(node)) {
                    continue;
                }
                try (LinuxBlockDevice device = LinuxBlockDevice.open(node, false, false)) {
                    for (GptPartition p : Gpt.read(device).partitions()) {
                        if (p.id().equals(partUuid)) {
                            return new Located(node, p.firstLba() * device.blockSize() / 512);
                        }
                    }
                } catch (IOException e) {
                    // A disk without a GPT, or one we may not read, is not the one.
                }
            }
        }
        throw new NotAnAbDiskException("no disk holds the partition " + partUuid.toString().toUpperCase(Locale.ROOT)
                + " that LoaderDevicePartUUID names (every disk under /sys/block was read); give --disk or --device");
    }

    /** A Boot Loader Interface string: UTF-16LE with a trailing NUL. */
    private static String utf16(byte[] value) {
        if (value == null) {
            return null;
        }
        String s = new String(value, 0, value.length & ~1, StandardCharsets.UTF_16LE);
        int nul = s.indexOf('\0');
        return nul < 0 ? s : s.substring(0, nul);
    }
}
