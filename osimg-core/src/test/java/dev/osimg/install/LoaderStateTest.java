package dev.osimg.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osimg.install.LoaderState.Slot;
import org.junit.jupiter.api.Test;

class LoaderStateTest {
    private static LoaderState decode(int... bytes) throws LoaderStateFormatException {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return LoaderState.decode(b);
    }

    @Test
    void decodesWhatItEncodes() throws Exception {
        for (Slot active : Slot.values()) {
            for (Slot next : Slot.values()) {
                LoaderState s = new LoaderState(active, next);
                assertThat(LoaderState.decode(s.encode())).isEqualTo(s);
            }
        }
    }

    @Test
    void decodesLikeAProtobufParser() throws Exception {
        assertThat(decode(0x08, 0x01, 0x10, 0x00)).as("next cleared in place by the loader")
                .isEqualTo(new LoaderState(Slot.A, Slot.NONE));
        assertThat(decode(0x10, 0x01, 0x08, 0x02)).isEqualTo(new LoaderState(Slot.B, Slot.A));
        assertThat(decode(0x08, 0x01, 0x08, 0x02)).as("last wins").isEqualTo(new LoaderState(Slot.B, Slot.NONE));
        assertThat(decode(0x08, 0x82, 0x80, 0x00)).as("non-minimal varint").isEqualTo(new LoaderState(Slot.B, Slot.NONE));
        assertThat(decode(0x08, 0x07, 0x10, 0x05)).as("unknown slots").isEqualTo(new LoaderState(Slot.NONE, Slot.NONE));
        assertThat(decode(0x08, 0x81, 0x80, 0x80, 0x80, 0x10)).as("int32: low 32 bits").isEqualTo(new LoaderState(Slot.A, Slot.NONE));
        assertThat(decode(0x18, 0x96, 0x01, 0x21, 1, 2, 3, 4, 5, 6, 7, 8, 0x2d, 1, 2, 3, 4, 0x32, 0x02, 'h', 'i', 0x10, 0x02))
                .as("unknown fields skipped").isEqualTo(new LoaderState(Slot.NONE, Slot.B));
    }

    @Test
    void rejectsWhatTheLoaderTreatsAsCorrupt() {
        int[][] corrupt = {
            {0x88}, {0x08, 0x81}, {0x08, 0x01, 0x10}, {0x00, 0x01}, {0x0a, 0x01, 0x01}, {0x15, 0x02, 0, 0, 0},
            {0x32, 0x05, 'a'}, {0x21, 1, 2, 3}, {0x1b, 0x1c}, {0x1e, 0x00},
            {0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00},
            {0x32, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
        };
        for (int[] bytes : corrupt) {
            assertThatThrownBy(() -> decode(bytes)).isInstanceOf(LoaderStateFormatException.class).hasMessageContaining("at byte");
        }
    }

    @Test
    void encodesAndDecodesTheWireBytesOfTheSpec() throws Exception {
        assertThat(new LoaderState(Slot.A, Slot.NONE).encode()).containsExactly(0x08, 0x01);
        assertThat(new LoaderState(Slot.A, Slot.B).encode()).containsExactly(0x08, 0x01, 0x10, 0x02);
        assertThat(LoaderState.decode(new byte[] {0x08, 0x01, 0x10, 0x02})).isEqualTo(new LoaderState(Slot.A, Slot.B));
        assertThat(LoaderState.decode(new byte[0])).isEqualTo(new LoaderState(Slot.NONE, Slot.NONE));
    }

    @Test
    void readsAsTheLoaderDoes() throws Exception {
        // Unknown fields are skipped; unknown enum numbers read as NONE, and NONE active boots A.
        LoaderState s = LoaderState.decode(new byte[] {0x1a, 0x02, 0x41, 0x42, 0x08, 0x07, 0x10, 0x02});
        assertThat(s).isEqualTo(new LoaderState(Slot.NONE, Slot.B));
        assertThat(s.effectiveActive()).isEqualTo(Slot.A);
        assertThat(s.bootsNext()).isEqualTo(Slot.B);
        assertThat(new LoaderState(Slot.B, Slot.NONE).bootsNext()).isEqualTo(Slot.B);
    }

    @Test
    void rejectsBytesThatAreNoMessage() {
        assertThatThrownBy(() -> LoaderState.decode(new byte[] {0x08})).hasMessageContaining("truncated varint");
        assertThatThrownBy(() -> LoaderState.decode(new byte[] {0x0f, 0x01})).hasMessageContaining("wire type 7");
        assertThatThrownBy(() -> LoaderState.decode("garbage!".getBytes())).isInstanceOf(LoaderStateFormatException.class);
    }
}
