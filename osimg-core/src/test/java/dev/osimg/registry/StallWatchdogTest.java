package dev.osimg.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StallWatchdogTest {
    @Test
    void aTransferThatKeepsMovingIsNeverCutOffHoweverLongItTakes() throws Exception {
        AtomicInteger cuts = new AtomicInteger();
        try (StallWatchdog watchdog = new StallWatchdog(200, cuts::incrementAndGet)) {
            for (int i = 0; i < 12; i++) {
                Thread.sleep(50);
                watchdog.progressed();
            }
            assertThat(watchdog.stalled()).isFalse();
        }
        assertThat(cuts.get()).isZero();
    }

    @Test
    void silenceLongerThanTheLimitCutsOffOnce() throws Exception {
        AtomicInteger cuts = new AtomicInteger();
        try (StallWatchdog watchdog = new StallWatchdog(100, cuts::incrementAndGet)) {
            Thread.sleep(600);
            assertThat(watchdog.stalled()).isTrue();
        }
        assertThat(cuts.get()).isEqualTo(1);
    }
}
