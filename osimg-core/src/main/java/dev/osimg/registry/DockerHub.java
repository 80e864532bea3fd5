package dev.osimg.registry;

/**
 * Docker Hub's naming: images are named {@code docker.io/NAME}, but its API answers at
 * {@code registry-1.docker.io}, and a one-part name is an official image under {@code library/}.
 */
final class DockerHub {
    /** The host Docker Hub's distribution API answers at. */
    static final String API_HOST = "registry-1.docker.io";

    private DockerHub() {
    }

    /** Whether a {@code HOST[:PORT]} names Docker Hub. */
    static boolean isDockerHub(String host) {
        return host.equals("docker.io") || host.equals("index.docker.io") || host.equals(API_HOST);
    }

    /** The host to send API requests to for a host as written in a reference. */
    static String apiHost(String host) {
        return isDockerHub(host) ? API_HOST : host;
    }

    /** The repository as the API knows it: {@code library/NAME} for one-part Docker Hub names. */
    static String repository(String host, String name) {
        return isDockerHub(host) && !name.contains("/") ? "library/" + name : name;
    }
}
