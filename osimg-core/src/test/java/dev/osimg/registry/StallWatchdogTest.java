package dev.osimg.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StallWatchdogTest {
    @Test
    void aTransferThatKeepsMovingIsNeverCutOffHoweverLongItTakes() throws Exception {
        AtomicInteger cuts = new AtomicInteger();
        try (StallWatchdog watchdog = new StallWatchdog(3000, cuts::incrementAndGet)) {
            // Six seconds in all, twice the limit, with progress every 50 ms.
            for (long end = System.nanoTime() + 6_000_000_000L; System.nanoTime() < end; ) {
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
            for (long end = System.nanoTime() + 10_000_000_000L; !watchdog.stalled() && System.nanoTime() < end; ) {
                Thread.sleep(20);
            }
            assertThat(watchdog.stalled()).isTrue();
            Thread.sleep(300);
        }
        assertThat(cuts.get()).isEqualTo(1);
    }
}
