package dev.osimg.oci;

/** The media and artifact types osimg reads and writes. */
public final class MediaTypes {
    public static final String IMAGE_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String IMAGE_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OS_IMAGE_ARTIFACT = "application/vnd.monogon.os.image.v1";
    public static final String OS_IMAGE_CONFIG = "application/vnd.monogon.os.image.config.v1+json";
    public static final String PAYLOAD_UNCOMPRESSED = "application/octet-stream";
    public static final String PAYLOAD_ZSTD = "application/zstd";

    /** The annotation naming a manifest in an image layout's index. */
    public static final String REF_NAME_ANNOTATION = "org.opencontainers.image.ref.name";

    private MediaTypes() {
    }
}
