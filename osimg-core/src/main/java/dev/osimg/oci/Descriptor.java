package dev.osimg.oci;

import dev.osimg.digest.Digest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/** An OCI content descriptor: what a blob is, its digest and its size. */
@JsonPropertyOrder({"mediaType", "digest", "size", "urls", "annotations", "data", "platform", "artifactType"})
public record Descriptor(
        @JsonProperty("mediaType") String mediaType,
        @JsonProperty("digest") Digest digest,
        @JsonProperty("size") long size,
        @JsonProperty("urls") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> urls,
        @JsonProperty("annotations") @JsonInclude(JsonInclude.Include.NON_EMPTY) SortedMap<String, String> annotations,
        @JsonProperty("data") @JsonInclude(JsonInclude.Include.NON_EMPTY) byte[] data,
        @JsonProperty("platform") @JsonInclude(JsonInclude.Include.NON_NULL) Platform platform,
        @JsonProperty("artifactType") @JsonInclude(JsonInclude.Include.NON_EMPTY) String artifactType) {

    public Descriptor {
        urls = urls == null ? List.of() : List.copyOf(urls);
        annotations = Collections.unmodifiableSortedMap(new TreeMap<>(annotations == null ? Map.of() : annotations));
    }

    /** A plain descriptor with no optional fields. */
    public static Descriptor of(String mediaType, Digest digest, long size) {
        return new Descriptor(mediaType, digest, size, null, null, null, null, null);
    }

    /** The same descriptor with these annotations. */
    public Descriptor withAnnotations(Map<String, String> newAnnotations) {
        return new Descriptor(mediaType, digest, size, urls, new TreeMap<>(newAnnotations), data, platform, artifactType);
    }

    /** The same descriptor with this artifact type. */
    public Descriptor withArtifactType(String newArtifactType) {
        return new Descriptor(mediaType, digest, size, urls, annotations, data, platform, newArtifactType);
    }

    /** The value of an annotation, or null. */
    public String annotation(String key) {
        return annotations.get(key);
    }
}
