package dev.osimg.registry;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A token server for the distribution registry's {@code auth: token} mode: checks Basic
 * credentials and issues RS256 JWTs carrying the requested scopes, signed with a key whose
 * self-signed certificate (made by the JDK's keytool) the registry trusts.
 */
public final class TokenServer implements AutoCloseable {
    static final String SERVICE = "osimg-test-registry";
    static final String ISSUER = "osimg-test-issuer";

    private final HttpServer server;
    private final PrivateKey key;
    private final X509Certificate certificate;
    private final String user;
    private final String password;
    private final long expiresInSeconds;
    final AtomicInteger issued = new AtomicInteger();
    final List<String> scopesAsked = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<String> tokens = java.util.Collections.synchronizedList(new ArrayList<>());

    private TokenServer(HttpServer server, PrivateKey key, X509Certificate certificate, String user, String password, long expiresIn) {
        this.server = server;
        this.key = key;
        this.certificate = certificate;
        this.user = user;
        this.password = password;
        this.expiresInSeconds = expiresIn;
    }

    /** Starts a server that accepts {@code user}/{@code password} and issues tokens valid for {@code expiresIn} seconds. */
    public static TokenServer start(Path dir, String user, String password, long expiresIn) throws Exception {
        Path keystore = dir.resolve("token.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Tools.run(List.of(keytool.toString(), "-genkeypair", "-alias", "token", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=osimg-test-token", "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", "changeit", "-keypass", "changeit"));
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keystore)) {
            store.load(in, "changeit".toCharArray());
        }
        PrivateKey key = (PrivateKey) store.getKey("token", "changeit".toCharArray());
        X509Certificate cert = (X509Certificate) store.getCertificate("token");
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        TokenServer server = new TokenServer(http, key, cert, user, password, expiresIn);
        http.createContext("/token", server::handle);
        http.start();
        return server;
    }

    /** The tokens issued so far. */
    public List<String> tokens() {
        return List.copyOf(tokens);
    }

    /** The token endpoint's URL. */
    public String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    /** The registry's auth section for this server. */
    public String registryAuthSection(Path dir) throws IOException {
        Path bundle = dir.resolve("token-cert.pem");
        Files.writeString(bundle, "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(encoded()) + "\n-----END CERTIFICATE-----\n");
        return "token:\n  realm: " + realm() + "\n  service: " + SERVICE + "\n  issuer: " + ISSUER + "\n  rootcertbundle: " + bundle + "\n";
    }

    private byte[] encoded() {
        try {
            return certificate.getEncoded();
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            List<Map<String, Object>> access = new ArrayList<>();
            String query = exchange.getRequestURI().getRawQuery();
            for (String pair : query == null ? new String[0] : query.split("&")) {
                if (pair.startsWith("scope=")) {
                    String scope = URLDecoder.decode(pair.substring(6), StandardCharsets.UTF_8);
                    scopesAsked.add(scope);
                    String[] parts = scope.split(":");
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("type", parts[0]);
                    entry.put("name", parts[1]);
                    entry.put("actions", List.of(parts[2].split(",")));
                    access.add(entry);
                }
            }
            String token = jwt(access);
            tokens.add(token);
            byte[] body = JsonMapper.builder().build().writeValueAsBytes(Map.of("token", token, "expires_in", expiresInSeconds));
            issued.incrementAndGet();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    private String jwt(List<Map<String, Object>> access) throws java.security.GeneralSecurityException, IOException {
        JsonMapper json = JsonMapper.builder().build();
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("typ", "JWT");
        header.put("alg", "RS256");
        header.put("x5c", List.of(Base64.getEncoder().encodeToString(encoded())));
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", ISSUER);
        claims.put("sub", user);
        claims.put("aud", SERVICE);
        claims.put("exp", now + expiresInSeconds);
        claims.put("nbf", now - 10);
        claims.put("iat", now);
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("access", access);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString(json.writeValueAsBytes(header)) + "." + b64.encodeToString(json.writeValueAsBytes(claims));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(key);
        rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + b64.encodeToString(rsa.sign());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
