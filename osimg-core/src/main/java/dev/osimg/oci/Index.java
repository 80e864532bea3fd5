package dev.osimg.oci;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** An OCI image index, as found in an image layout's {@code index.json}. */
@JsonPropertyOrder({"schemaVersion", "mediaType", "artifactType", "manifests", "subject", "annotations"})
public record Index(
        @JsonProperty("schemaVersion") int schemaVersion,
        @JsonProperty("mediaType") @JsonInclude(JsonInclude.Include.NON_EMPTY) String mediaType,
        @JsonProperty("artifactType") @JsonInclude(JsonInclude.Include.NON_EMPTY) String artifactType,
        @JsonProperty("manifests") List<Descriptor> manifests,
        @JsonProperty("subject") @JsonInclude(JsonInclude.Include.NON_NULL) Descriptor subject,
        @JsonProperty("annotations") @JsonInclude(JsonInclude.Include.NON_EMPTY) SortedMap<String, String> annotations) {

    public Index {
        manifests = manifests == null ? List.of() : List.copyOf(manifests);
        annotations = Collections.unmodifiableSortedMap(new TreeMap<>(annotations == null ? Map.of() : annotations));
    }

    /** Parses index bytes ({@code index.json}); {@code what} names them in the error. */
    public static Index parse(byte[] bytes, String what) throws InvalidImageException {
        try {
            return dev.osimg.json.GoCompatibleJson.mapper().readValue(bytes, Index.class);
        } catch (java.io.IOException e) {
            throw new InvalidImageException(what + " is not a valid image index: " + dev.osimg.json.JsonProblem.describe(e), e);
        }
    }

    /** A schema-2 image index of these manifests. */
    public static Index of(List<Descriptor> manifests) {
        return new Index(2, MediaTypes.IMAGE_INDEX, null, manifests, null, null);
    }
}
