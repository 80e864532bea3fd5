package dev.osimg.install;

import java.io.ByteArrayOutputStream;

/**
 * The A/B loader's state file {@code EFI/metropolis/loader_state.pb}: the protobuf message
 * {@code ABLoaderData { Slot active_slot = 1; Slot next_slot = 2; }}, encoded and decoded by hand (two varint fields).
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

        /** The slot of an enum number; proto3 enums are open, and the loader treats unknown numbers as NONE. */
        static Slot ofNumber(long number) {
            // An enum is an int32 on the wire: parsers keep the low 32 bits of the varint.
            int n = (int) number;
            return n == 1 ? A : n == 2 ? B : NONE;
        }
    }

    /** The state the loader assumes when the file is missing or cannot be decoded: slot A. */
    public static final LoaderState DEFAULT = new LoaderState(Slot.A, Slot.NONE);

    private static final int FIELD_ACTIVE_SLOT = 1;
    private static final int FIELD_NEXT_SLOT = 2;
    private static final int MAX_VARINT_BYTES = 10;

    /** The slot the loader boots by default: the active one, A when it is NONE. */
    public Slot effectiveActive() {
        return activeSlot == Slot.NONE ? Slot.A : activeSlot;
    }

    /** The slot the loader boots next: the one-shot next slot when set, else the effective active one. */
    public Slot bootsNext() {
        return nextSlot != Slot.NONE ? nextSlot : effectiveActive();
    }

    /**
     * Decodes the state as the loader does: fields in any order, the last of a repeated field wins, unknown fields
     * of every wire type skipped, unknown slot numbers read as NONE. The loader rewrites a taken {@code next_slot} in
     * place as a zero of the same length ({@code 08 01 10 00}), which decodes as {@code {active: A}}.
     *
     * @throws LoaderStateFormatException for bytes that are not such a message (the loader then boots slot A)
     */
    public static LoaderState decode(byte[] bytes) throws LoaderStateFormatException {
        Slot active = Slot.NONE;
        Slot next = Slot.NONE;
        int[] pos = {0};
        while (pos[0] < bytes.length) {
            int at = pos[0];
            long key = varint(bytes, pos);
            long field = key >>> 3;
            int wire = (int) (key & 7);
            if (field == 0 || field > 0x1fffffff) {
                throw new LoaderStateFormatException("invalid field number " + field + " at byte " + at);
            }
            if ((field == FIELD_ACTIVE_SLOT || field == FIELD_NEXT_SLOT) && wire != 0) {
                throw new LoaderStateFormatException("field " + field + " at byte " + at + " is not a varint (wire type "
                        + wire + ")");
            }
            switch (wire) {
                case 0 -> {
                    long value = varint(bytes, pos);
                    if (field == FIELD_ACTIVE_SLOT) {
                        active = Slot.ofNumber(value);
                    } else if (field == FIELD_NEXT_SLOT) {
                        next = Slot.ofNumber(value);
                    }
                }
                case 1 -> skip(bytes, pos, 8, at);
                case 2 -> {
                    long length = varint(bytes, pos);
                    skip(bytes, pos, length, at);
                }
                case 5 -> skip(bytes, pos, 4, at);
                default -> throw new LoaderStateFormatException("unsupported wire type " + wire + " at byte " + at);
            }
        }
        return new LoaderState(active, next);
    }

    private static long varint(byte[] bytes, int[] pos) throws LoaderStateFormatException {
        int start = pos[0];
        long value = 0;
        for (int i = 0; i < MAX_VARINT_BYTES; i++) {
            if (pos[0] >= bytes.length) {
                throw new LoaderStateFormatException("truncated varint at byte " + start);
            }
            int b = bytes[pos[0]++] & 0xff;
            value |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new LoaderStateFormatException("varint longer than 10 bytes at byte " + start);
    }

    private static void skip(byte[] bytes, int[] pos, long length, int fieldStart) throws LoaderStateFormatException {
        if (length < 0 || length > bytes.length - pos[0]) {
            throw new LoaderStateFormatException("truncated field at byte " + fieldStart);
        }
        pos[0] += (int) length;
    }

    /** The protobuf encoding; fields at their default (NONE) are left out, as proto3 does. */
    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        field(out, FIELD_ACTIVE_SLOT, activeSlot.ordinal());
        field(out, FIELD_NEXT_SLOT, nextSlot.ordinal());
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
