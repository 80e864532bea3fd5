package dev.osimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.osimg.registry.DistributionRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code osimg login}/{@code logout} against the distribution registry with htpasswd authentication. */
class LoginCommandTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    /** Runs osimg with {@code password} on its stdin (as a pipe, like {@code echo pw | osimg ...}). */
    private static CliRunner.Result withStdin(String password, String... args) throws Exception {
        List<String> prefix = List.of("sh", "-c", "printf '%s\\n' \"$OSIMG_TEST_PW\" | exec \"$@\"", "sh");
        return CliRunner.finish(CliRunner.start(prefix, Map.of("OSIMG_TEST_PW", password), List.of(), args), args);
    }

    @Test
    void loginChecksTheCredentialsStoresThemPrivatelyAndLogoutRemovesOnlyThatHost() throws Exception {
        Path htpasswd = Files.writeString(dir.resolve("htpasswd"), InstallCommandTest.tool("htpasswd", "-Bbn", "fleet", "s3cret-pw"));
        Path system = Files.write(dir.resolve("system"), new byte[300_000]);
        try (DistributionRegistry registry = DistributionRegistry.start(dir.resolve("reg"),
                "htpasswd:\n  realm: osimg-test\n  path: " + htpasswd + "\n")) {
            String host = registry.host();
            Path auth = dir.resolve("auth/auth.json");
            Files.createDirectories(auth.getParent());
            Files.writeString(auth, "{\"auths\": {\"other.example:5000\": {\"auth\": \"eDp5\"}}, \"credHelpers\": {}}");

            CliRunner.Result wrong = withStdin("not-it", "login", "--username", "fleet", "--password-stdin",
                    "--authfile", auth.toString(), host);
            assertThat(wrong.exitCode()).as(wrong.err()).isEqualTo(ExitCodes.FAILURE);
            assertThat(wrong.err()).startsWith("osimg: error: ").contains("401");
            assertThat(JSON.readTree(auth.toFile()).path("auths").has(host)).as("a refused login stores nothing").isFalse();

            CliRunner.Result login = withStdin("s3cret-pw", "login", "--username", "fleet", "--password-stdin",
                    "--authfile", auth.toString(), host);
            assertThat(login.exitCode()).as(login.err()).isZero();
            assertThat(login.out()).contains("Login to " + host + " succeeded; stored in " + auth);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(auth))).isEqualTo("rw-------");
            JsonNode stored = JSON.readTree(auth.toFile());
            assertThat(new String(Base64.getDecoder().decode(stored.path("auths").path(host).path("auth").asText()),
                    StandardCharsets.UTF_8)).isEqualTo("fleet:s3cret-pw");
            assertThat(stored.path("auths").has("other.example:5000")).isTrue();
            assertThat(stored.has("credHelpers")).isTrue();

            // The stored login is what other commands use, through --authfile and through REGISTRY_AUTH_FILE.
            String ref = host + "/os/login:v1";
            CliRunner.Result pushed = CliRunner.run("build", "-q", "--any-payload", "--authfile", auth.toString(),
                    "--out", ref, "--payload", "system=" + system);
            assertThat(pushed.exitCode()).as(pushed.err()).isZero();
            CliRunner.Result inspected = CliRunner.run(Map.of("REGISTRY_AUTH_FILE", auth.toString(),
                    "DOCKER_CONFIG", dir.resolve("none").toString()), List.of(), "inspect", "-q", ref);
            assertThat(inspected.exitCode()).as(inspected.err()).isZero();
            assertThat(inspected.out().strip()).isEqualTo(pushed.out().strip());

            CliRunner.Result logout = CliRunner.run("logout", "--authfile", auth.toString(), host);
            assertThat(logout.exitCode()).as(logout.err()).isZero();
            stored = JSON.readTree(auth.toFile());
            assertThat(stored.path("auths").has(host)).isFalse();
            assertThat(stored.path("auths").has("other.example:5000")).isTrue();
            CliRunner.Result again = CliRunner.run("logout", "--authfile", auth.toString(), host);
            assertThat(again.exitCode()).isEqualTo(ExitCodes.FAILURE);
            assertThat(again.err().strip()).isEqualTo("osimg: error: not logged in to " + host + " in " + auth);
        }
    }

    @Test
    void loginWithoutATerminalOrPasswordIsAUsageError() throws Exception {
        CliRunner.Result run = CliRunner.run("login", "--authfile", dir.resolve("a.json").toString(), "127.0.0.1:1");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err().strip()).isEqualTo("osimg: error: no terminal to ask for the login on: give --username USER "
                + "and the password on stdin with --password-stdin");
        assertThat(dir.resolve("a.json")).doesNotExist();
    }

    @Test
    void verboseShowsEveryRequestButNeverThePassword() throws Exception {
        String password = "pa55-w0rd-visible?";
        Path htpasswd = Files.writeString(dir.resolve("htpasswd"), InstallCommandTest.tool("htpasswd", "-Bbn", "fleet", password));
        Path system = Files.write(dir.resolve("system"), new byte[200_000]);
        String basic = Base64.getEncoder().encodeToString(("fleet:" + password).getBytes(StandardCharsets.UTF_8));
        try (DistributionRegistry registry = DistributionRegistry.start(dir.resolve("reg"),
                "htpasswd:\n  realm: osimg-test\n  path: " + htpasswd + "\n")) {
            String host = registry.host();
            Path auth = dir.resolve("auth.json");
            CliRunner.Result login = withStdin(password, "login", "-v", "--username", "fleet", "--password-stdin",
                    "--authfile", auth.toString(), host);
            assertThat(login.exitCode()).as(login.err()).isZero();
            assertThat(login.err()).contains("osimg: GET http://" + host + "/v2/ -> 401 Unauthorized (")
                    .contains("osimg: GET http://" + host + "/v2/ (Authorization: Basic <hidden>) -> 200 OK (")
                    .doesNotContain(password).doesNotContain(basic).doesNotContain("fleet:");

            CliRunner.Result push = CliRunner.run("build", "--verbose", "--any-payload", "--authfile", auth.toString(),
                    "--out", host + "/os/verbose:v1", "--payload", "system=" + system);
            assertThat(push.exitCode()).as(push.err()).isZero();
            assertThat(push.err()).containsPattern("osimg: HEAD http://" + java.util.regex.Pattern.quote(host)
                            + "/v2/os/verbose/blobs/sha256:[0-9a-f]{64} \\(Authorization: Basic <hidden>\\) -> 404 Not Found \\([0-9]+ ms\\)")
                    .containsPattern("osimg: PUT http://[^ ]+/v2/os/verbose/blobs/uploads/[^ ]*_state=REDACTED[^ ]*&digest=sha256:[0-9a-f]{64} .*-> 201 Created")
                    .contains("/v2/os/verbose/manifests/v1 (Authorization: Basic <hidden>) -> 201 Created")
                    .doesNotContain(password).doesNotContain(basic);

            CliRunner.Result quiet = CliRunner.run("inspect", "-q", "--authfile", auth.toString(), host + "/os/verbose:v1");
            assertThat(quiet.exitCode()).as(quiet.err()).isZero();
            assertThat(quiet.err()).as("without -v no request is shown").doesNotContain("GET ");
        }
    }

    @Test
    void twoLoginsAtOnceBothLandAndAKilledLoginsTemporaryIsSwept() throws Exception {
        Path htpasswd = Files.writeString(dir.resolve("htpasswd"), InstallCommandTest.tool("htpasswd", "-Bbn", "fleet", "pw"));
        try (DistributionRegistry registry = DistributionRegistry.start(dir.resolve("reg"),
                "htpasswd:\n  realm: osimg-test\n  path: " + htpasswd + "\n")) {
            // Two names of one registry: two entries in the file.
            String port = registry.host().substring(registry.host().indexOf(':') + 1);
            List<String> hosts = List.of("127.0.0.1:" + port, "localhost:" + port);
            Path auth = dir.resolve("auth/auth.json");
            Files.createDirectories(auth.getParent());
            Path stale = Files.writeString(auth.getParent().resolve(dev.osimg.testing.StaleTemporaries.ofExitedProcess("auth.json")),
                    "{\"auths\": {");
            List<String> prefix = List.of("sh", "-c", "printf 'pw\\n' | exec \"$@\"", "sh");
            for (int round = 0; round < 3; round++) {
                List<Process> logins = new ArrayList<>();
                for (String host : hosts) {
                    logins.add(CliRunner.start(prefix, Map.of(), List.of(), "login", "-q", "--username", "fleet", "--password-stdin",
                            "--authfile", auth.toString(), host));
                }
                for (Process p : logins) {
                    CliRunner.Result r = CliRunner.finish(p);
                    assertThat(r.exitCode()).as(r.err()).isZero();
                }
                JsonNode auths = JSON.readTree(auth.toFile()).path("auths");
                assertThat(auths.has(hosts.get(0)) && auths.has(hosts.get(1))).as("round %d: %s", round, auths).isTrue();
                assertThat(stale).as("the temporary of a login that was killed").doesNotExist();
                List<Process> logouts = new ArrayList<>();
                for (String host : hosts) {
                    logouts.add(CliRunner.start(List.of(), Map.of(), List.of(), "logout", "--authfile", auth.toString(), host));
                }
                for (Process p : logouts) {
                    CliRunner.Result r = CliRunner.finish(p);
                    assertThat(r.exitCode()).as(r.err()).isZero();
                }
                assertThat(JSON.readTree(auth.toFile()).path("auths").size()).isZero();
            }
            try (var left = Files.list(auth.getParent())) {
                assertThat(left.map(p -> p.getFileName().toString())).containsExactly("auth.json");
            }
        }
    }
}
