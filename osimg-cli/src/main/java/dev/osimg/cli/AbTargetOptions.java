package dev.osimg.cli;

import dev.osimg.ab.AbDisk;
import dev.osimg.ab.LiveSystem;
import dev.osimg.efi.EfiVarFs;
import dev.osimg.install.LoaderState.Slot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** The disk an A/B command works on: an image file, a block device that is not running, or the running system. */
final class AbTargetOptions {
    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Where where;

    /** An offline disk. */
    static final class Where {
        @Option(names = "--disk", paramLabel = "FILE", description = "An installed disk image file.")
        Path disk;

        @Option(names = "--device", paramLabel = "DEV", description = "An installed block device that is not running (not mounted).")
        Path device;
    }

    @Option(names = "--efivarfs", paramLabel = "DIR",
            description = "efivarfs of the running system, for LoaderDevicePartUUID and LoaderEntrySelected (default: ${DEFAULT-VALUE}).",
            defaultValue = "/sys/firmware/efi/efivars")
    Path efivarfs = EfiVarFs.DEFAULT_DIRECTORY;

    /** An opened target: the disk, and on the running system what runs. */
    record Opened(AbDisk disk, Optional<LiveSystem> live) implements AutoCloseable {
        Optional<Slot> running() {
            return live.map(LiveSystem::running);
        }

        @Override
        public void close() throws IOException {
            disk.close();
        }
    }

    /** Opens the target, for writing when {@code writable}. */
    Opened open(boolean writable) throws IOException {
        if (where != null && where.disk != null) {
            return new Opened(AbDisk.openImageFile(where.disk, writable), Optional.empty());
        }
        if (where != null && where.device != null) {
            return new Opened(AbDisk.openDevice(where.device, writable), Optional.empty());
        }
        Path cmdline = Path.of("/proc/cmdline");
        LiveSystem live = LiveSystem.detect(efivarfs, Files.isReadable(cmdline) ? Files.readString(cmdline) : "");
        return new Opened(AbDisk.openLive(live, writable), Optional.of(live));
    }

    /** Parses {@code a} or {@code b}. */
    static Slot slot(String text, String option) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "a" -> Slot.A;
            case "b" -> Slot.B;
            default -> throw new IllegalArgumentException(option + " " + text + ": a slot is a or b");
        };
    }

    /** {@code a}, {@code b}, or null for NONE (JSON). */
    static String json(Slot slot) {
        return slot == Slot.NONE ? null : slot.letter();
    }

    /** {@code A}, {@code B} or {@code none} (text). */
    static String text(Slot slot) {
        return slot == Slot.NONE ? "none" : slot.name();
    }
}
