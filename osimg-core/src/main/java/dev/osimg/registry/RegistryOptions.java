package dev.osimg.registry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How osimg talks to registries: transport and trust, explicit credentials, pull-through
 * mirrors, how many blobs move at once, how hard to retry, and who hears about retries.
 *
 * @param plainHttp use plain HTTP for every host (loopback hosts use it anyway)
 * @param caCert a PEM file of extra trusted CA certificates, or null
 * @param credential credentials given on the command line, used for every registry, or null
 * @param dockerConfig the Docker config file to read credentials from, or null for the default
 * @param mirrors hosts tried, in order, before the named registry when pulling
 * @param jobs how many blobs are transferred at once
 * @param maxRetries how many times a failed request (or a broken download without progress) is repeated
 * @param initialBackoff the first retry delay; later ones double, with jitter
 * @param retryConnectFailures whether a connection that cannot be made (refused, unknown host) is retried too
 * @param listener hears about retries and skipped mirrors
 */
public record RegistryOptions(boolean plainHttp, Path caCert, Credential credential, Path dockerConfig,
        List<String> mirrors, int jobs, int maxRetries, Duration initialBackoff, boolean retryConnectFailures,
        RegistryListener listener) {

    public RegistryOptions {
        mirrors = mirrors == null ? List.of() : List.copyOf(mirrors);
        listener = listener == null ? RegistryListener.NONE : listener;
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be at least 1, got " + jobs);
        }
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must not be negative, got " + maxRetries);
        }
    }

    /**
     * HTTPS except for loopback, the Docker config of the user, no mirrors, 4 jobs, 5 retries
     * from 500 ms of answers and broken connections, none of connections that cannot be made.
     */
    public static RegistryOptions defaults() {
        return new RegistryOptions(false, null, null, null, List.of(), 4, 5, Duration.ofMillis(500), false, RegistryListener.NONE);
    }

    /** The same options with plain HTTP on or off. */
    public RegistryOptions withPlainHttp(boolean value) {
        return new RegistryOptions(value, caCert, credential, dockerConfig, mirrors, jobs, maxRetries, initialBackoff,
                retryConnectFailures, listener);
    }

    /** The same options with these credentials for every registry. */
    public RegistryOptions withCredential(Credential value) {
        return new RegistryOptions(plainHttp, caCert, value, dockerConfig, mirrors, jobs, maxRetries, initialBackoff,
                retryConnectFailures, listener);
    }

    /** The same options reading credentials from this Docker config file. */
    public RegistryOptions withDockerConfig(Path value) {
        return new RegistryOptions(plainHttp, caCert, credential, value, mirrors, jobs, maxRetries, initialBackoff,
                retryConnectFailures, listener);
    }

    /** The same options with this retry budget (connections that cannot be made stay as they were). */
    public RegistryOptions withRetries(int value, Duration backoff) {
        return new RegistryOptions(plainHttp, caCert, credential, dockerConfig, mirrors, jobs, value, backoff,
                retryConnectFailures, listener);
    }

    /** The same options retrying, or not, connections that cannot be made. */
    public RegistryOptions withConnectRetries(boolean value) {
        return new RegistryOptions(plainHttp, caCert, credential, dockerConfig, mirrors, jobs, maxRetries, initialBackoff,
                value, listener);
    }

    /** The same options with this listener. */
    public RegistryOptions withListener(RegistryListener value) {
        return new RegistryOptions(plainHttp, caCert, credential, dockerConfig, mirrors, jobs, maxRetries, initialBackoff,
                retryConnectFailures, value);
    }

    /** The same options with these mirrors. */
    public RegistryOptions withMirrors(List<String> value) {
        return new RegistryOptions(plainHttp, caCert, credential, dockerConfig, value, jobs, maxRetries, initialBackoff,
                retryConnectFailures, listener);
    }

    /** The same options with this many parallel transfers. */
    public RegistryOptions withJobs(int value) {
        return new RegistryOptions(plainHttp, caCert, credential, dockerConfig, mirrors, value, maxRetries, initialBackoff,
                retryConnectFailures, listener);
    }

    /** The same options trusting this CA file too. */
    public RegistryOptions withCaCert(Path value) {
        return new RegistryOptions(plainHttp, value, credential, dockerConfig, mirrors, jobs, maxRetries, initialBackoff,
                retryConnectFailures, listener);
    }
}
