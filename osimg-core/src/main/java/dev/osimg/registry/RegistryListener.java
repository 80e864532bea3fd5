package dev.osimg.registry;

import java.time.Duration;

/**
 * Hears what the registry client decides on its own, retries and skipped mirrors, and every HTTP exchange, so that a
 * user interface can show them (the library itself prints nothing). Called from transfer
 * threads: implementations must be thread-safe.
 */
public interface RegistryListener {
    /** Hears nothing. */
    RegistryListener NONE = new RegistryListener() {
    };

    /**
     * A request failed and will be sent again after {@code delay}.
     *
     * @param what what was being done ({@code downloading blob ...})
     * @param retry the number of this retry, from 1
     * @param maxRetries how many retries the budget allows
     * @param delay how long osimg waits first
     * @param reason the failure, e.g. {@code 503 Service Unavailable} or {@code connection reset}
     * @param requested the wait the server asked for with {@code Retry-After} when it was capped, else null
     */
    default void retrying(String what, int retry, int maxRetries, Duration delay, String reason, Duration requested) {
    }

    /** A pull-through mirror failed; it is skipped for the rest of the command. */
    default void mirrorSkipped(String mirror, String reason) {
    }

    /** A request was answered, or failed without an answer; its secrets are hidden already. */
    default void exchanged(HttpExchange exchange) {
    }
}
