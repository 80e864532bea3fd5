package dev.osimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osimg.registry.DistributionRegistry;
import dev.osimg.registry.TokenServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -v} against the distribution registry with token authentication (the test token server issues signed JWTs
 * the registry checks): every request is shown, the token requests included, and neither the password nor a token.
 */
class VerboseTokenAuthTest {
    private static final String USER = "fleet";
    private static final String PASSWORD = "t0ken-server-pw";

    @TempDir
    Path dir;

    @Test
    void verboseShowsTokenRequestsButNeverThePasswordOrTheToken() throws Exception {
        try (TokenServer tokens = TokenServer.start(dir, USER, PASSWORD, 300);
                DistributionRegistry registry = DistributionRegistry.start(dir.resolve("reg"), tokens.registryAuthSection(dir))) {
            Path system = Files.write(dir.resolve("system"), new byte[100_000]);
            Path auth = dir.resolve("auth.json");
            List<String> stdin = List.of("sh", "-c", "printf '%s\\n' \"$OSIMG_TEST_PW\" | exec \"$@\"", "sh");
            String[] login = {"login", "-v", "--username", USER, "--password-stdin", "--authfile", auth.toString(), registry.host()};
            CliRunner.Result loggedIn = CliRunner.finish(CliRunner.start(stdin, Map.of("OSIMG_TEST_PW", PASSWORD), List.of(), login), login);
            assertThat(loggedIn.exitCode()).as(loggedIn.err()).isZero();

            CliRunner.Result push = CliRunner.run("build", "-v", "--any-payload", "--authfile", auth.toString(),
                    "--out", registry.host() + "/os/tokens:v1", "--payload", "system=" + system);
            assertThat(push.exitCode()).as(push.err()).isZero();
            String err = loggedIn.err() + push.err();
            assertThat(err).containsPattern("osimg: GET " + Pattern.quote(tokens.realm())
                            + "\\?service=[^ &]+&scope=repository%3Aos%2Ftokens%3A[a-z%2C]+ \\(Authorization: Basic <hidden>\\) -> 200 OK")
                    .containsPattern("osimg: PUT http://[^ ]+/v2/os/tokens/manifests/v1 \\(Authorization: Bearer <hidden>\\) -> 201 Created");
            assertThat(tokens.tokens()).isNotEmpty();
            assertThat(err).doesNotContain(PASSWORD)
                    .doesNotContain(Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
            for (String token : tokens.tokens()) {
                // Neither the token nor any of its three parts.
                for (String part : token.split("\\.")) {
                    assertThat(err).doesNotContain(part);
                }
            }
        }
    }
}
