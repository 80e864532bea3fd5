package dev.osimg.registry;

import java.io.IOException;
import java.nio.file.Path;

/** Entry points of the registry package's parsers for the fuzz tests in {@code dev.osimg.fuzz}. */
public final class RegistryFuzzing {
    private RegistryFuzzing() {
    }

    /** Reads a Docker config and, when {@code lookUp}, looks a host up in it. */
    public static void dockerConfigLookup(Path file, String host, boolean lookUp) throws IOException {
        DockerConfig config = DockerConfig.read(file);
        if (lookUp) {
            config.lookup(host);
            config.lookup("docker.io");
        }
    }

    /** Reads a token server's answer. */
    public static void tokenAnswer(byte[] answer) throws IOException {
        Authenticator.parseToken(answer, "getting a token for registry.example");
    }

    /** Reads a credential helper's answer. */
    public static void credentialHelperAnswer(byte[] answer) throws IOException {
        CredentialHelper.parseAnswer(answer, "docker-credential-fuzz for registry.example");
    }
}
