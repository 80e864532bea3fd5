package dev.osimg.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static final ErrorBody BUSY = ErrorBody.parse("{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"slow down\"}]}"
            .getBytes(StandardCharsets.UTF_8));

    @Test
    void capsALongRetryAfterAndSaysWhatWasAskedFor() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        RegistryListener listener = new RegistryListener() {
            @Override
            public void retrying(String what, int retry, int maxRetries, Duration delay, String reason, Duration requested) {
                heard.add(what + " " + retry + "/" + maxRetries + " " + delay.toMillis() + " ms " + reason + " asked " + requested);
            }
        };
        RetryPolicy policy = new RetryPolicy(1, Duration.ofMillis(10), false, Duration.ofMillis(100), listener);
        RetryPolicy.Budget budget = policy.budget("fetching x");
        long start = System.nanoTime();
        budget.failed(RetryPolicy.Failure.of(503, BUSY, Duration.ofHours(1)), "h", "http://h/v2/");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(90), Duration.ofSeconds(5));
        assertThat(heard).containsExactly("fetching x 1/1 100 ms 503 Service Unavailable asked PT1H");
        assertThatThrownBy(() -> budget.failed(RetryPolicy.Failure.of(503, BUSY, null), "h", "http://h/v2/"))
                .isInstanceOf(RegistryException.class)
                .hasMessage("fetching x: h answered 503 Service Unavailable: TOOMANYREQUESTS: slow down (gave up after 2 attempts)"
                        + " (http://h/v2/)");
        assertThat(RetryPolicy.MAX_RETRY_AFTER).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void a429HoldsBackEveryRequestToThatHost() throws Exception {
        java.util.concurrent.CountDownLatch heldBack = new java.util.concurrent.CountDownLatch(1);
        RetryPolicy policy = new RetryPolicy(1, Duration.ofMillis(10), false, Duration.ofSeconds(60), new RegistryListener() {
            @Override
            public void retrying(String what, int retry, int maxRetries, Duration delay, String reason, Duration requested) {
                heldBack.countDown();
            }
        });
        Thread first = Thread.ofVirtual().start(() -> {
            try {
                policy.budget("a").failed(RetryPolicy.Failure.of(429, BUSY, Duration.ofSeconds(3)), "h:1", "http://h:1/");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        heldBack.await();
        long start = System.nanoTime();
        policy.awaitHost("h:1");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("another request to the host waits").isGreaterThan(Duration.ofSeconds(1));
        start = System.nanoTime();
        policy.awaitHost("other:1");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
        first.join();
    }

    @Test
    void backoffDoublesWithJitterAndProgressForgives() throws Exception {
        RetryPolicy policy = new RetryPolicy(2, Duration.ofMillis(400), true, Duration.ofSeconds(60), RegistryListener.NONE);
        RetryPolicy.Failure reset = RetryPolicy.Failure.of(new java.io.IOException("connection reset"));
        assertThat(policy.delay(reset, 1).duration()).isBetween(Duration.ofMillis(300), Duration.ofMillis(500));
        assertThat(policy.delay(reset, 3).duration()).isBetween(Duration.ofMillis(1200), Duration.ofMillis(2000));
        RetryPolicy fast = new RetryPolicy(1, Duration.ofMillis(1), true, Duration.ofSeconds(60), RegistryListener.NONE);
        RetryPolicy.Budget budget = fast.budget("download");
        budget.failed(reset, "h", "u");
        budget.progressed();
        budget.failed(reset, "h", "u");
        assertThatThrownBy(() -> budget.failed(reset, "h", "u")).hasMessageContaining("connection reset");
    }

    @Test
    void neverRetriesTlsOrInterruption() {
        RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(1), true, Duration.ofSeconds(60), RegistryListener.NONE);
        assertThatThrownBy(() -> policy.budget("x").failed(RetryPolicy.Failure.of(new javax.net.ssl.SSLHandshakeException("bad cert")), "h", "u"))
                .hasMessageContaining("TLS failed: bad cert");
        assertThatThrownBy(() -> policy.budget("x").failed(RetryPolicy.Failure.of(new java.io.InterruptedIOException("stop")), "h", "u"))
                .isInstanceOf(java.io.InterruptedIOException.class);
    }
}
