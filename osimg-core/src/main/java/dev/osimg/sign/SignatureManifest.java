package dev.osimg.sign;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.osimg.digest.Digest;
import dev.osimg.json.GoCompatibleJson;
import dev.osimg.oci.Descriptor;
import dev.osimg.oci.MediaTypes;
import java.util.List;
import java.util.Map;

/**
 * cosign's signature manifest: an OCI image manifest tagged {@code sha256-<hex>.sig}, one
 * simple-signing layer per signature, and the image config cosign's library writes for it; both
 * documents in the bytes Go's {@code json.Marshal} gives go-containerregistry's structs.
 */
public final class SignatureManifest {
    /** The media type of a signature layer (the payload blob). */
    public static final String SIMPLE_SIGNING_MEDIA_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json";
    /** The layer annotation holding the base64 signature. */
    public static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
    /** The config media type of cosign's signature manifests. */
    public static final String CONFIG_MEDIA_TYPE = "application/vnd.oci.image.config.v1+json";

    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    private SignatureManifest() {
    }

    /** The tag of the signatures of the manifest {@code digest}. */
    public static String tag(Digest digest) {
        return "sha256-" + digest.hex() + ".sig";
    }

    /** A signature manifest ready to store: its bytes, its config's bytes and the config descriptor. */
    public record Built(byte[] manifest, byte[] config, Descriptor configDescriptor) {
        /** The manifest's own descriptor. */
        public Descriptor descriptor() {
            return Descriptor.of(MediaTypes.IMAGE_MANIFEST, Digest.of(manifest), manifest.length);
        }
    }

    /** The manifest holding these signature layers, in order. */
    public static Built build(List<Descriptor> layers) {
        byte[] config = GoCompatibleJson.writeCompact(new Config("", ZERO_TIME,
                layers.stream().map(l -> new History(ZERO_TIME)).toList(), "",
                new RootFs("layers", layers.stream().map(l -> l.digest().toString()).toList()), Map.of()));
        Descriptor configDescriptor = Descriptor.of(CONFIG_MEDIA_TYPE, Digest.of(config), config.length);
        byte[] manifest = GoCompatibleJson.writeCompact(new Document(2, MediaTypes.IMAGE_MANIFEST, GoDescriptor.of(configDescriptor),
                layers.stream().map(GoDescriptor::of).toList()));
        return new Built(manifest, config, configDescriptor);
    }

    @JsonPropertyOrder({"schemaVersion", "mediaType", "config", "layers"})
    private record Document(@JsonProperty("schemaVersion") int schemaVersion, @JsonProperty("mediaType") String mediaType,
            @JsonProperty("config") GoDescriptor config, @JsonProperty("layers") List<GoDescriptor> layers) {
    }

    /** go-containerregistry's descriptor field order: size before digest. */
    @JsonPropertyOrder({"mediaType", "size", "digest", "annotations"})
    private record GoDescriptor(@JsonProperty("mediaType") String mediaType, @JsonProperty("size") long size,
            @JsonProperty("digest") String digest,
            @JsonProperty("annotations") @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> annotations) {
        static GoDescriptor of(Descriptor d) {
            return new GoDescriptor(d.mediaType(), d.size(), d.digest().toString(), d.annotations());
        }
    }

    @JsonPropertyOrder({"architecture", "created", "history", "os", "rootfs", "config"})
    private record Config(@JsonProperty("architecture") String architecture, @JsonProperty("created") String created,
            @JsonProperty("history") List<History> history, @JsonProperty("os") String os, @JsonProperty("rootfs") RootFs rootfs,
            @JsonProperty("config") Map<String, Object> config) {
    }

    private record History(@JsonProperty("created") String created) {
    }

    @JsonPropertyOrder({"type", "diff_ids"})
    private record RootFs(@JsonProperty("type") String type, @JsonProperty("diff_ids") List<String> diffIds) {
    }
}
