package dev.osimg.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.osimg.install.LoaderState;
import dev.osimg.install.LoaderStateFormatException;
import java.util.Arrays;

/** The A/B state file read back from an ESP: decoded as the loader does, or refused in plain words; what decodes re-encodes stably. */
class LoaderStateFuzzTest {
    @FuzzTest(maxDuration = "2m")
    void loaderStates(byte[] bytes) throws LoaderStateFormatException {
        LoaderState state;
        try {
            state = LoaderState.decode(bytes);
        } catch (LoaderStateFormatException expected) {
            Expectations.plainMessage(expected);
            return;
        }
        byte[] encoded = state.encode();
        if (!Arrays.equals(LoaderState.decode(encoded).encode(), encoded)) {
            throw new AssertionError("re-encoding " + state + " is not stable");
        }
    }
}
