package dev.osimg.ab;

import dev.osimg.install.LoaderState;
import dev.osimg.install.LoaderState.Slot;
import java.io.IOException;
import java.util.Optional;

/** Commit and rollback: the loader state changes that pick a slot, each one durable state write after its checks. */
public final class SlotChanges {
    private SlotChanges() {
    }

    /**
     * Marks a slot active and clears the one-shot next slot: the running slot on a live system ({@code running}),
     * else {@code requested}. Refuses a slot that holds no image, and on a live system any other slot than the running.
     *
     * @return the state written
     */
    public static LoaderState commit(AbDisk disk, Optional<Slot> running, Optional<Slot> requested) throws IOException {
        if (running.isPresent() && requested.isPresent() && requested.get() != running.get()) {
            throw new SlotStateException("the system runs slot " + running.get() + "; commit marks the running slot, not "
                    + requested.get() + " (to switch to slot " + requested.get() + " use osimg rollback); nothing was written");
        }
        Slot slot = running.or(() -> requested).orElseThrow(() -> new IllegalArgumentException(
                "which slot to commit? An offline disk needs --slot a or --slot b"));
        requireImage(disk, slot, "commit");
        LoaderState state = new LoaderState(slot, Slot.NONE);
        disk.writeState(state);
        return state;
    }

    /**
     * Makes the other slot active (the slot that is not running on a live system, else not active), or with
     * {@code once} boots it once through the one-shot next slot. Refuses when that slot holds no image.
     *
     * @return the state written
     */
    public static LoaderState rollback(AbDisk disk, Optional<Slot> running, boolean once) throws IOException {
        LoaderState before = disk.state().state();
        Slot target = running.orElse(before.effectiveActive()).other();
        requireImage(disk, target, "roll back to");
        LoaderState state = once ? new LoaderState(before.effectiveActive(), target) : new LoaderState(target, Slot.NONE);
        disk.writeState(state);
        return state;
    }

    private static void requireImage(AbDisk disk, Slot slot, String what) throws IOException {
        if (!disk.holdsImage(slot)) {
            throw new SlotStateException("cannot " + what + " slot " + slot + " of " + disk.name() + ": it holds no image (no "
                    + AbDisk.kernelPath(slot) + " and no slot record on the ESP); nothing was written");
        }
    }
}
