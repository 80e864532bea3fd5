package dev.osimg.oci;

import dev.osimg.json.GoCompatibleJson;
import java.io.IOException;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** An OCI image manifest (image-spec 1.1). */
@JsonPropertyOrder({"schemaVersion", "mediaType", "artifactType", "config", "layers", "subject", "annotations"})
public record Manifest(
        @JsonProperty("schemaVersion") int schemaVersion,
        @JsonProperty("mediaType") @JsonInclude(JsonInclude.Include.NON_EMPTY) String mediaType,
        @JsonProperty("artifactType") @JsonInclude(JsonInclude.Include.NON_EMPTY) String artifactType,
        @JsonProperty("config") Descriptor config,
        @JsonProperty("layers") List<Descriptor> layers,
        @JsonProperty("subject") @JsonInclude(JsonInclude.Include.NON_NULL) Descriptor subject,
        @JsonProperty("annotations") @JsonInclude(JsonInclude.Include.NON_EMPTY) SortedMap<String, String> annotations) {

    public Manifest {
        layers = layers == null ? null : List.copyOf(layers);
        annotations = Collections.unmodifiableSortedMap(new TreeMap<>(annotations == null ? Map.of() : annotations));
    }

    /** Parses manifest bytes; {@code what} names them in the error (location and digest). */
    public static Manifest parse(byte[] bytes, String what) throws IOException {
        try {
            return GoCompatibleJson.mapper().readValue(bytes, Manifest.class);
        } catch (IOException e) {
            throw new InvalidImageException(what + " is not a valid image manifest: " + dev.osimg.json.JsonProblem.describe(e), e);
        }
    }

    /** A schema-2 image manifest of the given artifact type, config and layers. */
    public static Manifest of(String artifactType, Descriptor config, List<Descriptor> layers) {
        return new Manifest(2, MediaTypes.IMAGE_MANIFEST, artifactType, config, layers, null, null);
    }
}
