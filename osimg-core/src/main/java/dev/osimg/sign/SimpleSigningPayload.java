package dev.osimg.sign;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.osimg.digest.Digest;
import dev.osimg.digest.InvalidDigestException;
import dev.osimg.json.GoCompatibleJson;
import java.io.IOException;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * cosign's "simple signing" payload: the document a signature is made over, naming the manifest
 * digest it vouches for. Written byte for byte as Go's {@code json.Marshal} writes cosign's struct.
 *
 * @param dockerReference the repository the image was signed in (informational)
 * @param imageDigest the signed manifest digest
 * @param optional annotations ({@code --annotation k=v}); empty writes {@code "optional":null}
 */
public record SimpleSigningPayload(String dockerReference, Digest imageDigest, SortedMap<String, String> optional) {
    /** The {@code critical.type} of every cosign image signature. */
    public static final String TYPE = "cosign container image signature";

    public SimpleSigningPayload {
        optional = new TreeMap<>(optional == null ? Map.of() : optional);
    }

    /** The payload bytes that are signed and stored as the layer blob. */
    public byte[] toBytes() {
        return GoCompatibleJson.writeCompact(new Document(
                new Critical(new Identity(dockerReference), new Image(imageDigest.toString()), TYPE),
                optional.isEmpty() ? null : optional));
    }

    /**
     * Reads a payload; only the parts verification relies on are checked: the type, and a
     * well-formed {@code critical.image.docker-manifest-digest}.
     */
    public static SimpleSigningPayload parse(byte[] bytes) throws IOException {
        JsonNode doc;
        try {
            doc = GoCompatibleJson.mapper().readTree(bytes);
        } catch (IOException e) {
            throw new IOException("the signed payload is not JSON");
        }
        JsonNode critical = doc == null ? null : doc.get("critical");
        if (critical == null || !critical.isObject()) {
            throw new IOException("the signed payload has no \"critical\" object");
        }
        if (!TYPE.equals(critical.path("type").asText())) {
            throw new IOException("the signed payload has type \"" + critical.path("type").asText() + "\", not \"" + TYPE + "\"");
        }
        JsonNode digest = critical.path("image").path("docker-manifest-digest");
        Digest imageDigest;
        try {
            imageDigest = Digest.parse(digest.asText());
        } catch (InvalidDigestException e) {
            throw new IOException("the signed payload names no valid manifest digest (\"" + digest.asText() + "\")");
        }
        SortedMap<String, String> optional = new TreeMap<>();
        doc.path("optional").properties().forEach(e -> optional.put(e.getKey(), e.getValue().isTextual()
                ? e.getValue().asText() : e.getValue().toString()));
        return new SimpleSigningPayload(critical.path("identity").path("docker-reference").asText(), imageDigest, optional);
    }

    @JsonPropertyOrder({"critical", "optional"})
    private record Document(@JsonProperty("critical") Critical critical, @JsonProperty("optional") Map<String, String> optional) {
    }

    @JsonPropertyOrder({"identity", "image", "type"})
    private record Critical(@JsonProperty("identity") Identity identity, @JsonProperty("image") Image image,
            @JsonProperty("type") String type) {
    }

    private record Identity(@JsonProperty("docker-reference") String dockerReference) {
    }

    private record Image(@JsonProperty("docker-manifest-digest") String dockerManifestDigest) {
    }
}
