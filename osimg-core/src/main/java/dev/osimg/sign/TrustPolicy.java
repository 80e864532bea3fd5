package dev.osimg.sign;

import com.fasterxml.jackson.databind.JsonNode;
import dev.osimg.json.GoCompatibleJson;
import dev.osimg.oci.ImageReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which keys a machine trusts for which images, configured once in a policy file (by default
 * {@value #DEFAULT_LOCATION}):
 * <pre>
 * {
 *   "default":    {"keys": ["/etc/osimg/keys/release.pub"]},
 *   "registries": {"registry.example.com/os/node": {"keys": ["node.pub", "node-2027.pub"]},
 *                  "127.0.0.1:5000": {"insecure-no-signature": true}},
 *   "layouts":    {"insecure-no-signature": true}
 * }
 * </pre>
 * A registry scope is {@code HOST[:PORT]} or {@code HOST[:PORT]/REPO-PREFIX}, matched at path
 * boundaries, the longest winning; layout directories follow {@code layouts}; anything else
 * {@code default}. With no rule that applies, every image is refused. Relative key paths are
 * resolved against the policy file's directory.
 */
public final class TrustPolicy {
    /** Where a machine's policy lives. */
    public static final String DEFAULT_LOCATION = "/etc/osimg/policy.json";

    private static final Set<String> TOP_LEVEL = Set.of("default", "registries", "layouts");
    private static final Set<String> RULE_KEYS = Set.of("keys", "insecure-no-signature");

    private final Path file;
    private final Requirement defaultRule;
    private final Requirement layoutRule;
    private final Map<String, Requirement> registryRules;

    /** What an image needs: a signature by one of {@code keys}, or nothing when {@code insecureNoSignature}. */
    public record Requirement(List<Path> keys, boolean insecureNoSignature, String rule) {
    }

    private TrustPolicy(Path file, Requirement defaultRule, Requirement layoutRule, Map<String, Requirement> registryRules) {
        this.file = file;
        this.defaultRule = defaultRule;
        this.layoutRule = layoutRule;
        this.registryRules = registryRules;
    }

    /** The policy file this was read from. */
    public Path file() {
        return file;
    }

    /** Reads and checks a policy file; every mistake is named with its place in the file. */
    public static TrustPolicy read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such policy file");
        }
        JsonNode doc;
        try {
            doc = GoCompatibleJson.mapper().readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IOException("policy " + file + " is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (doc == null || !doc.isObject()) {
            throw new IOException("policy " + file + " must be a JSON object with \"default\", \"registries\" and/or \"layouts\"");
        }
        for (String name : (Iterable<String>) doc::fieldNames) {
            if (!TOP_LEVEL.contains(name)) {
                throw new IOException("policy " + file + ": unknown key \"" + name + "\" (known: default, registries, layouts)");
            }
        }
        Path base = file.toAbsolutePath().getParent();
        Requirement defaultRule = doc.has("default") ? rule(doc.get("default"), "default", file, base) : null;
        Requirement layoutRule = doc.has("layouts") ? rule(doc.get("layouts"), "layouts", file, base) : null;
        Map<String, Requirement> registries = new LinkedHashMap<>();
        if (doc.has("registries")) {
            JsonNode node = doc.get("registries");
            if (!node.isObject()) {
                throw new IOException("policy " + file + ": \"registries\" must be an object of HOST[/REPO] to rule");
            }
            for (var e : node.properties()) {
                String scope = e.getKey();
                if (scope.isEmpty() || scope.endsWith("/") || scope.contains("://")) {
                    throw new IOException("policy " + file + ": registry scope \"" + scope + "\" must be HOST[:PORT] or HOST[:PORT]/REPO");
                }
                registries.put(scope, rule(e.getValue(), "registries." + scope, file, base));
            }
        }
        return new TrustPolicy(file, defaultRule, layoutRule, Map.copyOf(registries));
    }

    private static Requirement rule(JsonNode node, String where, Path file, Path base) throws IOException {
        String place = "policy " + file + ": " + where;
        if (!node.isObject()) {
            throw new IOException(place + " must be an object: {\"keys\": [...]} or {\"insecure-no-signature\": true}");
        }
        for (String name : (Iterable<String>) node::fieldNames) {
            if (!RULE_KEYS.contains(name)) {
                throw new IOException(place + ": unknown key \"" + name + "\" (known: keys, insecure-no-signature)");
            }
        }
        boolean insecure = node.path("insecure-no-signature").asBoolean(false);
        if (node.has("insecure-no-signature") && !node.get("insecure-no-signature").isBoolean()) {
            throw new IOException(place + ": \"insecure-no-signature\" must be true or false");
        }
        List<Path> keys = new ArrayList<>();
        if (node.has("keys")) {
            JsonNode list = node.get("keys");
            if (!list.isArray()) {
                throw new IOException(place + ": \"keys\" must be a list of public key files");
            }
            for (JsonNode k : list) {
                if (!k.isTextual() || k.asText().isEmpty()) {
                    throw new IOException(place + ": every entry of \"keys\" must be a file name");
                }
                keys.add(base.resolve(k.asText()));
            }
        }
        if (insecure == !keys.isEmpty()) {
            throw new IOException(place + " must name either \"keys\" (a non-empty list) or \"insecure-no-signature\": true");
        }
        return new Requirement(List.copyOf(keys), insecure, where);
    }

    /** What {@code reference} needs under this policy; refused (as a failed verification) when no rule applies. */
    public Requirement requirementFor(ImageReference reference) throws SignatureVerificationException {
        Requirement rule = switch (reference) {
            case ImageReference.Layout l -> layoutRule;
            case ImageReference.Registry r -> registryRule(r.host() + "/" + r.repository());
        };
        if (rule == null) {
            rule = defaultRule;
        }
        if (rule == null) {
            throw new SignatureVerificationException("policy " + file + " has no rule for " + reference
                    + " and no \"default\": refusing it (add a rule, or pass --verify-key)");
        }
        return rule;
    }

    private Requirement registryRule(String name) {
        Requirement best = null;
        int bestLength = -1;
        for (var e : registryRules.entrySet()) {
            String scope = e.getKey();
            if ((name.equals(scope) || name.startsWith(scope + "/")) && scope.length() > bestLength) {
                best = e.getValue();
                bestLength = scope.length();
            }
        }
        return best;
    }
}
