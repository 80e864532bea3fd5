package dev.osimg.ab;

import dev.osimg.install.LoaderState.Slot;
import dev.osimg.install.SlotRecord;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What an A/B disk holds and will boot: the loader state, the running slot (on a live system), the boot program on
 * the ESP, and for each slot its partition and the image its record names.
 *
 * @param disk    where the disk is
 * @param state   the loader state and the condition of its file
 * @param running the running slot, on a live system
 * @param loader  the boot program the firmware starts, when there is one
 * @param slots   slot A and slot B
 */
public record AbStatus(String disk, StateFile state, Optional<Slot> running, Optional<BootProgram> loader, Map<Slot, SlotInfo> slots) {
    /** The firmware's boot program on the ESP: path, size, digest, and whether it is a slot's kernel (direct boot). */
    public record Loader(String path, long size, String digest, boolean directBoot) {
    }

    /** One slot: its partition name and size, whether it holds an image, and the record of that image. */
    public record SlotInfo(String partition, long partitionSize, boolean holdsImage, Optional<SlotRecord> record) {
    }

    /** Reads the status of {@code disk}; {@code running} is the running slot on a live system. */
    public static AbStatus read(AbDisk disk, Optional<Slot> running) throws IOException {
        Map<Slot, SlotInfo> slots = new TreeMap<>();
        for (Slot s : new Slot[] {Slot.A, Slot.B}) {
            var p = disk.layout().system(s);
            slots.put(s, new SlotInfo(p.name(), disk.layout().size(p), disk.holdsImage(s), disk.record(s)));
        }
        return new AbStatus(disk.name(), disk.state(), running, disk.bootProgram(), slots);
    }

    /** The slot the loader boots next. */
    public Slot bootsNext() {
        return state.state().bootsNext();
    }
}
