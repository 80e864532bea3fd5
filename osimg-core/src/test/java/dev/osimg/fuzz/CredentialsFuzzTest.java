package dev.osimg.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.osimg.registry.ChallengeParser;
import dev.osimg.registry.RegistryFuzzing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What registries and the user's machine say about credentials: challenges, token answers, Docker configs, credential helper answers. */
class CredentialsFuzzTest {
    @FuzzTest(maxDuration = "2m")
    void wwwAuthenticate(String header) {
        if (header == null) {
            return;
        }
        try {
            ChallengeParser.parse(header);
        } catch (IllegalArgumentException expected) {
            Expectations.plainMessage(expected);
        }
    }

    @FuzzTest(maxDuration = "2m")
    void dockerConfigs(byte[] bytes) throws IOException {
        Path file = Files.createTempFile("osimg-fuzz-", ".json");
        try {
            Files.write(file, bytes);
            // Helpers named by the config would run programs: only the config itself and its auths are fuzzed.
            RegistryFuzzing.dockerConfigLookup(file, "registry.example", !new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1)
                    .contains("cred"));
        } catch (IOException expected) {
            Expectations.plainMessage(expected);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @FuzzTest(maxDuration = "2m")
    void credentialHelperAnswers(byte[] bytes) {
        try {
            RegistryFuzzing.credentialHelperAnswer(bytes);
        } catch (IOException expected) {
            Expectations.plainMessage(expected);
        }
    }

    @FuzzTest(maxDuration = "2m")
    void tokenAnswers(byte[] bytes) {
        try {
            RegistryFuzzing.tokenAnswer(bytes);
        } catch (IOException expected) {
            Expectations.plainMessage(expected);
        }
    }
}
