package dev.osimg.ab;

import java.io.IOException;

/** An A/B operation refused because of the slots' state (an empty slot, the running slot, a slot on trial). */
public final class SlotStateException extends IOException {
    /** With the message saying what was refused, why, and what to do. */
    public SlotStateException(String message) {
        super(message);
    }
}
