package dev.osimg.install;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

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
        B;

        /** The other slot of A and B. */
        public Slot other() {
            return switch (this) {
                case A -> B;
                case B -> A;
                case NONE -> throw new IllegalStateException("NONE has no other slot");
            };
        }

        /** {@code a} or {@code b}, as in file names and on the command line. */
        public String letter() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The state the loader assumes when the file is missing or cannot be decoded: slot A. */
    public static final LoaderState DEFAULT = new LoaderState(Slot.A, Slot.NONE);

    /** The slot the loader boots by default: the active one, A when it is NONE. */
    public Slot effectiveActive() {
        return activeSlot == Slot.NONE ? Slot.A : activeSlot;
    }

    /** The slot the loader boots next: the one-shot next slot when set, else the effective active one. */
    public Slot bootsNext() {
        return nextSlot != Slot.NONE ? nextSlot : effectiveActive();
    }

    /**
     * Decodes the protobuf bytes as the reference loader does: unknown fields are skipped, enum numbers other than
     * 1 and 2 read as NONE; bytes that are not a protobuf message are an error.
     */
    public static LoaderState decode(byte[] bytes) throws IOException {
        Slot active = Slot.NONE;
        Slot next = Slot.NONE;
        int[] at = {0};
        while (at[0] < bytes.length) {
            long key = varint(bytes, at);
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (field == 0) {
                throw new IOException("field number 0 at byte " + at[0]);
            }
            switch (wire) {
                case 0 -> {
                    long value = varint(bytes, at);
                    Slot slot = value == 1 ? Slot.A : value == 2 ? Slot.B : Slot.NONE;
                    if (field == 1) {
                        active = slot;
                    } else if (field == 2) {
                        next = slot;
                    }
                }
                case 1 -> skip(bytes, at, 8);
                case 2 -> skip(bytes, at, varint(bytes, at));
                case 5 -> skip(bytes, at, 4);
                default -> throw new IOException("wire type " + wire + " of field " + field + " is not valid here");
            }
        }
        return new LoaderState(active, next);
    }

    private static long varint(byte[] bytes, int[] at) throws IOException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (at[0] >= bytes.length) {
                throw new IOException("a varint runs past the end (" + bytes.length + " bytes)");
            }
            int b = bytes[at[0]++] & 0xff;
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("a varint is longer than 10 bytes");
    }

    private static void skip(byte[] bytes, int[] at, long n) throws IOException {
        if (n < 0 || n > bytes.length - at[0]) {
            throw new IOException("a field runs past the end (" + bytes.length + " bytes)");
        }
        at[0] += (int) n;
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
