package dev.osimg.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials from a Docker config file ({@code ~/.docker/config.json} or
 * {@code $DOCKER_CONFIG/config.json}): a per-registry {@code credHelpers} entry first, then the
 * {@code credsStore}, then the {@code auths} entries, as the Docker CLI does.
 */
public final class DockerConfig implements CredentialSource {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final String DOCKER_HUB_KEY = "https://index.docker.io/v1/";

    private final Path file;
    private final JsonNode root;

    private DockerConfig(Path file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    /** The file the Docker CLI would read for this user. */
    public static Path defaultFile() {
        String dir = System.getenv("DOCKER_CONFIG");
        if (dir != null && !dir.isEmpty()) {
            return Path.of(dir, "config.json");
        }
        return Path.of(System.getProperty("user.home"), ".docker", "config.json");
    }

    /** Reads a config file; a missing file is an empty config, a malformed one an error. */
    public static DockerConfig read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return new DockerConfig(file, MAPPER.createObjectNode());
        }
        try {
            JsonNode root = MAPPER.readTree(Files.readAllBytes(file));
            if (root == null || !root.isObject()) {
                throw new IOException(file + " is not a Docker config file: its top level is not a JSON object");
            }
            return new DockerConfig(file, root);
        } catch (IOException e) {
            if (!(e instanceof com.fasterxml.jackson.core.JsonProcessingException) && !(e instanceof java.io.CharConversionException)) {
                throw e;
            }
            throw new IOException(file + " is not a valid Docker config: " + dev.osimg.json.JsonProblem.describe(e), e);
        }
    }

    @Override
    public String describe() {
        return file.toString();
    }

    @Override
    public Optional<ResolvedCredential> lookup(String host) throws IOException {
        String helper = text(root.path("credHelpers").path(host));
        if (helper != null) {
            return helper(helper, "credHelpers").lookup(host);
        }
        String store = text(root.get("credsStore"));
        if (store != null) {
            Optional<ResolvedCredential> stored = helper(store, "credsStore").lookup(host);
            if (stored.isPresent()) {
                return stored;
            }
        }
        JsonNode auths = root.path("auths");
        for (Iterator<Map.Entry<String, JsonNode>> it = auths.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (matches(entry.getKey(), host)) {
                return decode(entry.getKey(), entry.getValue());
            }
        }
        return Optional.empty();
    }

    private CredentialHelper helper(String name, String field) throws IOException {
        try {
            return new CredentialHelper(name);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": \"" + field + "\" names \"" + name + "\", which is not a credential helper name");
        }
    }

    private Optional<ResolvedCredential> decode(String key, JsonNode entry) throws IOException {
        String source = file + " (auths \"" + key + "\")";
        String auth = text(entry.get("auth"));
        if (auth != null) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new IOException(source + ": \"auth\" is not base64");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new IOException(source + ": \"auth\" does not decode to USER:PASSWORD");
            }
            return Optional.of(new ResolvedCredential(new Credential(decoded.substring(0, colon), decoded.substring(colon + 1)), source));
        }
        String user = text(entry.get("username"));
        String password = text(entry.get("password"));
        if (user != null && password != null) {
            return Optional.of(new ResolvedCredential(new Credential(user, password), source));
        }
        return Optional.empty();
    }

    /** Keys are host names or URLs ({@code https://host/v1/}); Docker Hub has its historic key. */
    static boolean matches(String key, String host) {
        if (key.equals(DOCKER_HUB_KEY)) {
            return DockerHub.isDockerHub(host);
        }
        String k = key;
        int scheme = k.indexOf("://");
        if (scheme >= 0) {
            k = k.substring(scheme + 3);
        }
        int slash = k.indexOf('/');
        if (slash >= 0) {
            k = k.substring(0, slash);
        }
        return k.equalsIgnoreCase(host);
    }

    private static String text(JsonNode node) {
        return node == null || !node.isTextual() || node.asText().isEmpty() ? null : node.asText();
    }
}
