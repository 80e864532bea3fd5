package dev.osimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.osimg.registry.DistributionRegistry;
import dev.osimg.testing.Tools;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -v} against the distribution registry with token authentication (a token server of this test issuing real
 * signed JWTs that the registry checks): every request is shown, the token requests included, and neither the
 * password nor a token ever is.
 */
class VerboseTokenAuthTest {
    private static final String USER = "fleet";
    private static final String PASSWORD = "t0ken-server-pw";

    @TempDir
    Path dir;

    @Test
    void verboseShowsTokenRequestsButNeverThePasswordOrTheToken() throws Exception {
        Tools.ok("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.resolve("token.key").toString(),
                "-out", dir.resolve("token.crt").toString(), "-days", "2", "-subj", "/CN=osimg test token issuer");
        try (TokenServer tokens = new TokenServer(dir.resolve("token.key"), dir.resolve("token.crt"));
                DistributionRegistry registry = DistributionRegistry.start(dir.resolve("reg"), """
                        token:
                          realm: %s
                          service: osimg-test
                          issuer: osimg-test-issuer
                          rootcertbundle: %s
                        """.formatted(tokens.realm(), dir.resolve("token.crt")))) {
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
            assertThat(err).contains("osimg: GET " + tokens.realm() + "?service=osimg-test")
                    .containsPattern("osimg: GET " + java.util.regex.Pattern.quote(tokens.realm())
                            + "\\?service=osimg-test&scope=repository%3Aos%2Ftokens%3A[a-z%2C]+ \\(Authorization: Basic <hidden>\\) -> 200 OK")
                    .containsPattern("osimg: PUT http://[^ ]+/v2/os/tokens/manifests/v1 \\(Authorization: Bearer <hidden>\\) -> 201 Created");
            assertThat(tokens.issued()).isNotEmpty();
            assertThat(err).doesNotContain(PASSWORD)
                    .doesNotContain(Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
            for (String token : tokens.issued()) {
                // Not the token, nor its signature, nor its header (which would show a token was printed at all).
                assertThat(err).doesNotContain(token).doesNotContain(token.substring(token.lastIndexOf('.') + 1))
                        .doesNotContain(token.substring(0, token.indexOf('.')));
            }
        }
    }

    /** A token server as docker's protocol has it: Basic credentials in, a JWT the registry trusts out. */
    private static final class TokenServer implements AutoCloseable {
        private static final JsonMapper JSON = JsonMapper.builder().build();
        private final HttpServer server;
        private final PrivateKey key;
        private final String certificate;
        private final List<String> issued = new ArrayList<>();
        private final AtomicInteger ids = new AtomicInteger();

        TokenServer(Path keyPem, Path certPem) throws Exception {
            key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pem(keyPem)));
            certificate = Base64.getEncoder().encodeToString(pem(certPem));
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
            server.createContext("/token", this::handle);
            server.start();
        }

        String realm() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
        }

        synchronized List<String> issued() {
            return List.copyOf(issued);
        }

        private static byte[] pem(Path file) throws IOException {
            String text = Files.readString(file).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return Base64.getDecoder().decode(text);
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
                if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                    exchange.sendResponseHeaders(401, -1);
                    return;
                }
                List<Map<String, Object>> access = new ArrayList<>();
                String query = exchange.getRequestURI().getRawQuery();
                for (String pair : query == null ? new String[0] : query.split("&")) {
                    if (pair.startsWith("scope=")) {
                        String[] scope = URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8).split(":");
                        access.add(Map.of("type", scope[0], "name", scope[1], "actions", List.of(scope[2].split(","))));
                    }
                }
                long now = System.currentTimeMillis() / 1000;
                Map<String, Object> claims = new LinkedHashMap<>();
                claims.put("iss", "osimg-test-issuer");
                claims.put("sub", USER);
                claims.put("aud", "osimg-test");
                claims.put("exp", now + 300);
                claims.put("nbf", now - 10);
                claims.put("iat", now);
                claims.put("jti", "t" + ids.incrementAndGet());
                claims.put("access", access);
                String token = jwt(claims);
                synchronized (this) {
                    issued.add(token);
                }
                byte[] body = JSON.writeValueAsBytes(Map.of("token", token, "access_token", token, "expires_in", 300));
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            } catch (Exception e) {
                throw new IOException(e);
            }
        }

        private String jwt(Map<String, Object> claims) throws Exception {
            Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
            String header = url.encodeToString(JSON.writeValueAsBytes(Map.of("alg", "RS256", "typ", "JWT", "x5c", List.of(certificate))));
            String payload = url.encodeToString(JSON.writeValueAsBytes(claims));
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key);
            rsa.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
            return header + "." + payload + "." + url.encodeToString(rsa.sign());
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
