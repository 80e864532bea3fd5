package dev.osimg.registry;

import dev.osimg.oci.ImageReference;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The entry point for talking to registries with one set of {@link RegistryOptions}: opens
 * images (trying mirrors first) and repositories to push to. One instance shares connections,
 * cached tokens and what it learnt about dead mirrors; close it when done.
 */
public final class RegistryClient implements AutoCloseable {
    private final RegistryOptions options;
    private final Map<String, String> deadMirrors = new ConcurrentHashMap<>();
    private RegistryHttp http;

    public RegistryClient(RegistryOptions options) {
        this.options = options;
    }

    /** The options in force. */
    public RegistryOptions options() {
        return options;
    }

    /**
     * A repository of a registry, as a reference names it: Docker Hub's {@code docker.io/NAME}
     * is reached at its API host, one-part names under {@code library/}.
     */
    public RegistryRepository repository(String host, String name) throws IOException {
        return new RegistryRepository(http(), DockerHub.apiHost(host), DockerHub.repository(host, name), false);
    }

    /**
     * Checks that the registry at {@code host} accepts this client's credentials, as {@code docker login} does: the
     * API's base endpoint, with whatever challenge it answers (Basic, or a Bearer token without a scope).
     */
    public void checkLogin(String host) throws IOException {
        String apiHost = DockerHub.apiHost(host);
        RegistryHttp h = http();
        RegistryHttp.Request request = RegistryHttp.Request.of("GET", h.base(apiHost).resolve("/v2/"), Map.of(), List.of(),
                "logging in to " + host);
        try (RegistryHttp.Response response = h.send(request)) {
            if (response.status() != 200) {
                throw h.fail(response, "logging in to " + host);
            }
            RegistryHttp.drain(response);
        }
    }

    /**
     * The HTTP layer, set up on first use: trust stores and HTTP clients take a few hundred
     * milliseconds to load, which commands that only touch layout directories never need.
     */
    private synchronized RegistryHttp http() throws IOException {
        if (http == null) {
            http = new RegistryHttp(options);
        }
        return http;
    }

    /**
     * Fetches the image a reference names: from each {@code --mirror} in turn, then from the
     * registry itself. A mirror that fails is skipped (the listener hears it) and, when it could
     * not be reached at all, not tried again by this client; the error of the registry itself is
     * what the caller sees, with the mirrors' failures noted.
     */
    public RegistryImage open(ImageReference.Registry reference) throws IOException {
        RegistryRepository origin = repository(reference.host(), reference.repository());
        List<String> mirrorFailures = new ArrayList<>();
        for (String mirror : options().mirrors()) {
            if (mirror.equals(reference.host()) || mirror.equals(origin.host())) {
                continue;
            }
            String dead = deadMirrors.get(mirror);
            if (dead != null) {
                mirrorFailures.add("mirror " + mirror + ": " + dead);
                continue;
            }
            RegistryRepository repository = new RegistryRepository(http(), mirror, origin.name(), true);
            try {
                return RegistryImage.fetch(reference, repository, origin);
            } catch (dev.osimg.blob.DigestMismatchException e) {
                throw e;
            } catch (IOException e) {
                if (!(e instanceof RegistryException r) || r.status() == 0) {
                    deadMirrors.put(mirror, "not reachable earlier in this command");
                }
                options.listener().mirrorSkipped(mirror, e.getMessage());
                mirrorFailures.add("mirror " + mirror + ": " + e.getMessage());
            }
        }
        try {
            return RegistryImage.fetch(reference, origin, origin);
        } catch (RegistryException e) {
            if (mirrorFailures.isEmpty()) {
                throw e;
            }
            String message = e.getMessage() + " (also tried " + String.join("; ", mirrorFailures) + ")";
            RegistryException withMirrors = e instanceof RegistryNotFoundException
                    ? new RegistryNotFoundException(message, e.codes())
                    : e instanceof RegistryAuthenticationException
                            ? new RegistryAuthenticationException(message, e.status(), e.codes())
                            : new RegistryException(message, e.status(), e.codes());
            withMirrors.initCause(e);
            throw withMirrors;
        }
    }

    @Override
    public synchronized void close() {
        if (http != null) {
            http.close();
        }
    }
}
