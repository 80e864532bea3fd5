package dev.osimg.install;

import java.io.ByteArrayOutputStream;

/**
 * The A/B loader's state file {@code EFI/metropolis/loader_state.pb}: the protobuf message
 * {@code ABLoaderData { Slot active_slot = 1; Slot next_slot = 2; }}, encoded by hand (two varint fields).
 */
public record LoaderState(Slot activeSlot, Slot nextSlot) {
    /** A slot, with its protobuf enum number. */
    public enum Slot {
        /** No slot. */
        NONE,
        /** Slot A. */
        A,
        /** Slot B. */
        B
    }

    /** The protobuf encoding; fields at their default (NONE) are left out, as proto3 does. */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        field(out, 1, activeSlot.ordinal());
        field(out, 2, nextSlot.ordinal());
        return out.toByteArray();
    }

    private static void field(ByteArrayOutputStream out, int number, int value) {
        if (value == 0) {
            return;
        }
        out.write(number << 3);
        out.write(value);
    }
}
