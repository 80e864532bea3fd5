package dev.osimg.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osimg.install.LoaderState.Slot;
import org.junit.jupiter.api.Test;

class LoaderStateTest {
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
        assertThatThrownBy(() -> LoaderState.decode(new byte[] {0x08})).hasMessageContaining("past the end");
        assertThatThrownBy(() -> LoaderState.decode(new byte[] {0x0f, 0x01})).hasMessageContaining("wire type 7");
        assertThatThrownBy(() -> LoaderState.decode("garbage!".getBytes())).isInstanceOf(java.io.IOException.class);
    }
}
