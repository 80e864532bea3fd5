package dev.osimg.ab;

import dev.osimg.blob.Blob;
import dev.osimg.blob.BytesBlob;
import dev.osimg.blob.Progress;
import dev.osimg.digest.Digest;
import dev.osimg.disk.BlockDevice;
import dev.osimg.disk.DeviceInUseException;
import dev.osimg.disk.DeviceUsage;
import dev.osimg.disk.Fat32Volume;
import dev.osimg.disk.Gpt;
import dev.osimg.disk.GptException;
import dev.osimg.disk.ImageFileDevice;
import dev.osimg.disk.LinuxBlockDevice;
import dev.osimg.install.DiskInstaller;
import dev.osimg.install.LoaderState;
import dev.osimg.install.LoaderState.Slot;
import dev.osimg.install.SlotRecord;
import dev.osimg.loader.AbLoader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An installed disk seen as A/B slots: its partitions, its ESP's files (the loader state, the kernels, the slot
 * records) and the system slots, with the few changes A/B operations make to them.
 */
public final class AbDisk implements Closeable {
    /** The loader's state file on the ESP (SPEC §5). */
    public static final String STATE_PATH = "EFI/metropolis/loader_state.pb";
    /** The firmware's fallback boot paths, where install puts the loader. */
    private static final String[] BOOT_PATHS = {"EFI/BOOT/BOOTx64.EFI", "EFI/BOOT/BOOTAA64.EFI"};
    /** osimg's loader names itself in UTF-16 (its LoaderInfo): how any of its versions is recognised. */
    private static final byte[] LOADER_NAME = AbLoader.NAME.getBytes(StandardCharsets.UTF_16LE);

    private final BlockDevice device;
    private final AbLayout layout;
    private final EspFiles esp;
    private final Optional<Path> espMount;

    private AbDisk(BlockDevice device, AbLayout layout, EspFiles esp, Optional<Path> espMount) {
        this.device = device;
        this.layout = layout;
        this.esp = esp;
        this.espMount = espMount;
    }

    /**
     * The A/B view of {@code device} (a whole disk), its ESP's files reached through {@code espMount} when the ESP is
     * mounted, else edited in place on the device. Throws {@link NotAnAbDiskException} for a disk osimg did not install.
     */
    public static AbDisk open(BlockDevice device, Optional<Path> espMount) throws IOException {
        Gpt gpt;
        try {
            gpt = Gpt.read(device);
        } catch (GptException e) {
            throw new NotAnAbDiskException(device.name() + " is not an A/B disk installed by osimg: " + e.getMessage());
        }
        AbLayout layout = AbLayout.of(gpt, device.blockSize(), device.name());
        EspFiles files;
        BlockDevice section = device.section(layout.offset(layout.esp()), layout.size(layout.esp()));
        if (espMount.isPresent()) {
            files = new MountedEspFiles(espMount.get(), () -> Fat32Volume.open(section).freeBytes());
        } else {
            Fat32Volume volume;
            try {
                volume = Fat32Volume.open(section);
            } catch (IOException e) {
                throw new NotAnAbDiskException(device.name() + ": the ESP (partition " + layout.espNumber() + ", \""
                        + layout.esp().name() + "\") holds no FAT32 filesystem; this disk was not installed by osimg");
            }
            files = new FatEspFiles(volume, device.name() + " partition " + layout.espNumber());
        }
        return new AbDisk(device, layout, files, espMount);
    }

    /** Opens a disk image file (for reading only unless {@code writable}). */
    public static AbDisk openImageFile(Path file, boolean writable) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, Files.exists(file) ? "is not a disk image file (use --device "
                    + "for block devices)" : "no such disk image file");
        }
        BlockDevice device = ImageFileDevice.open(file, DiskInstaller.IMAGE_BLOCK_SIZE, writable);
        return openClosingOnFailure(device, Optional.empty());
    }

    /**
     * Opens a block device that is not running: for writing it must not be mounted or held (it is then opened
     * exclusively), as install requires.
     */
    public static AbDisk openDevice(Path path, boolean writable) throws IOException {
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such device");
        }
        if (!DeviceUsage.isBlockDevice(path)) {
            throw new DeviceInUseException(path + " is not a block device; use --disk for image files");
        }
        if (writable) {
            List<String> users = new DeviceUsage().users(path);
            if (!users.isEmpty()) {
                throw new DeviceInUseException(path + " is in use: " + String.join("; ", users) + ". Unmount it; for the "
                        + "running system give neither --disk nor --device");
            }
        }
        return openClosingOnFailure(LinuxBlockDevice.open(path, writable, writable), Optional.empty());
    }

    /** Opens the disk of the running system (not exclusively: it is in use), its ESP through its mount point if mounted. */
    public static AbDisk openLive(LiveSystem live, boolean writable) throws IOException {
        return openClosingOnFailure(LinuxBlockDevice.open(live.disk(), false, writable), live.espMount());
    }

    private static AbDisk openClosingOnFailure(BlockDevice device, Optional<Path> espMount) throws IOException {
        try {
            return open(device, espMount);
        } catch (IOException | RuntimeException e) {
            device.close();
            throw e;
        }
    }

    /** Where the disk is, for messages. */
    public String name() {
        return device.name();
    }

    /** The partitions. */
    public AbLayout layout() {
        return layout;
    }

    /** The ESP's files. */
    public EspFiles esp() {
        return esp;
    }

    /** Where the ESP is mounted, when it is. */
    public Optional<Path> espMount() {
        return espMount;
    }

    /** A slot's partition as a device of its own. */
    public BlockDevice slotDevice(Slot slot) {
        return device.section(layout.offset(layout.system(slot)), layout.size(layout.system(slot)));
    }

    /** The disk itself (for the payload writer's decisions and for flushing). */
    public BlockDevice device() {
        return device;
    }

    /** The loader state as the loader will read it. */
    public StateFile state() throws IOException {
        Optional<byte[]> bytes = esp.read(STATE_PATH);
        if (bytes.isEmpty()) {
            return new StateFile(LoaderState.DEFAULT, StateFile.Condition.MISSING, "");
        }
        try {
            return new StateFile(LoaderState.decode(bytes.get()), StateFile.Condition.VALID, "");
        } catch (IOException e) {
            return new StateFile(LoaderState.DEFAULT, StateFile.Condition.CORRUPT, e.getMessage());
        }
    }

    /** Writes the loader state (durably; a crash leaves the old or the new state). */
    public void writeState(LoaderState state) throws IOException {
        esp.write(STATE_PATH, new BytesBlob(state.encode()), Progress.NONE);
    }

    /**
     * The program the firmware starts from the ESP's fallback path, when there is one; it boots directly (no A/B
     * loader) when it is a slot's kernel itself, or when no slot kernel exists beside it.
     */
    public Optional<BootProgram> bootProgram() throws IOException {
        for (String path : BOOT_PATHS) {
            Optional<byte[]> program = esp.read(path);
            if (program.isPresent()) {
                boolean anyKernel = false;
                boolean direct = false;
                for (Slot s : new Slot[] {Slot.A, Slot.B}) {
                    Optional<byte[]> kernel = esp.read(kernelPath(s));
                    anyKernel |= kernel.isPresent();
                    direct |= kernel.isPresent() && Arrays.equals(kernel.get(), program.get());
                }
                return Optional.of(new BootProgram("/" + path, program.get().length, Digest.of(program.get()).toString(),
                        contains(program.get(), LOADER_NAME), direct || !anyKernel));
            }
        }
        return Optional.empty();
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** The ESP path of a slot's kernel. */
    public static String kernelPath(Slot slot) {
        return "EFI/metropolis/boot-" + slot.letter() + ".efi";
    }

    /** What a slot holds according to its record, when there is one. */
    public Optional<SlotRecord> record(Slot slot) throws IOException {
        Optional<byte[]> bytes = esp.read(SlotRecord.path(slot));
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(SlotRecord.decode(bytes.get(), esp.where() + ": " + SlotRecord.path(slot)));
    }

    /**
     * Whether a slot holds an image: it has a record, or (on disks installed before records were written) its kernel
     * is on the ESP.
     */
    public boolean holdsImage(Slot slot) throws IOException {
        return esp.size(SlotRecord.path(slot)).isPresent() || esp.size(kernelPath(slot)).isPresent();
    }

    /** Writes a slot's record (durably). */
    public void writeRecord(SlotRecord record, Slot slot) throws IOException {
        esp.write(SlotRecord.path(slot), new BytesBlob(record.encode()), Progress.NONE);
    }

    /** Writes a slot's kernel (durably). */
    public void writeKernel(Slot slot, Blob kernel, Progress progress) throws IOException {
        esp.write(kernelPath(slot), kernel, progress);
    }

    /** Forgets what a slot held: its record first (so it no longer counts as holding an image), then its kernel. */
    public void forget(Slot slot) throws IOException {
        esp.delete(SlotRecord.path(slot));
        esp.delete(kernelPath(slot));
    }

    @Override
    public void close() throws IOException {
        device.close();
    }
}
