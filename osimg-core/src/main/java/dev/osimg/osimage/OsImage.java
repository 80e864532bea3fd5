package dev.osimg.osimage;

import dev.osimg.oci.Descriptor;
import dev.osimg.digest.Digest;
import dev.osimg.oci.Manifest;
import dev.osimg.oci.MediaTypes;
import dev.osimg.oci.OciImage;
import dev.osimg.oci.SmallBlobs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An OS image read from any {@link OciImage}, with every reader rule of the format checked:
 * afterwards its payloads can be opened knowing that sizes and chunk counts are consistent.
 */
public final class OsImage {
    /** The largest {@code hash_chunk_size} a reader accepts. */
    public static final long MAX_HASH_CHUNK_SIZE = 16L << 20;

    /** What a payload name must look like. */
    public static final Pattern PAYLOAD_NAME = Pattern.compile("^[0-9A-Za-z-](?:[0-9A-Za-z._-]{0,78}[0-9A-Za-z_-])?$");

    private final OciImage image;
    private final OsImageConfig config;
    private final byte[] configBytes;
    private final List<Payload> payloads;

    private OsImage(OciImage image, OsImageConfig config, byte[] configBytes, List<Payload> payloads) {
        this.image = image;
        this.config = config;
        this.configBytes = configBytes;
        this.payloads = payloads;
    }

    /** Reads and checks the manifest and config of an OS image. */
    public static OsImage read(OciImage image) throws IOException {
        String where = image.location();
        Manifest manifest = image.manifest();
        require(manifest.schemaVersion() == 2, where, "manifest schemaVersion is " + manifest.schemaVersion() + ", expected 2");
        require(MediaTypes.IMAGE_MANIFEST.equals(manifest.mediaType()), where,
                "manifest mediaType is " + quote(manifest.mediaType()) + ", expected " + quote(MediaTypes.IMAGE_MANIFEST));
        require(MediaTypes.OS_IMAGE_ARTIFACT.equals(manifest.artifactType()), where,
                "manifest artifactType is " + quote(manifest.artifactType()) + ", expected " + quote(MediaTypes.OS_IMAGE_ARTIFACT)
                        + " (this is not an OS image)");
        Descriptor configDescriptor = manifest.config();
        require(configDescriptor != null, where, "manifest has no config");
        require(MediaTypes.OS_IMAGE_CONFIG.equals(configDescriptor.mediaType()), where,
                "config mediaType is " + quote(configDescriptor.mediaType()) + ", expected " + quote(MediaTypes.OS_IMAGE_CONFIG));
        require(configDescriptor.size() >= 0, where, "config size is negative (" + configDescriptor.size() + ")");
        List<Descriptor> layers = manifest.layers() == null ? List.of() : manifest.layers();
        for (int i = 0; i < layers.size(); i++) {
            Descriptor layer = layers.get(i);
            require(layer.size() >= 0, where, "layers[" + i + "].size is negative (" + layer.size() + ")");
            require(MediaTypes.PAYLOAD_UNCOMPRESSED.equals(layer.mediaType()) || MediaTypes.PAYLOAD_ZSTD.equals(layer.mediaType()),
                    where, "layers[" + i + "].mediaType is " + quote(layer.mediaType()) + ", expected "
                            + quote(MediaTypes.PAYLOAD_UNCOMPRESSED) + " or " + quote(MediaTypes.PAYLOAD_ZSTD));
        }

        String configWhat = where + ": config " + configDescriptor.digest();
        SmallBlobs.checkDocumentSize(configDescriptor, configWhat);
        byte[] configBytes = SmallBlobs.readVerified(image.blob(configDescriptor), configDescriptor, configWhat);
        OsImageConfig config = OsImageConfig.parse(configBytes, where + ": config");
        require(OsImageConfig.FORMAT_VERSION.equals(config.formatVersion()), where,
                "config format_version is " + quote(config.formatVersion()) + "; this osimg reads format_version \"1\" only");
        List<PayloadInfo> infos = config.payloads() == null ? List.of() : config.payloads();
        require(infos.size() == layers.size(), where,
                "config lists " + infos.size() + " payloads but the manifest has " + layers.size() + " layers");

        List<Payload> payloads = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < infos.size(); i++) {
            PayloadInfo info = infos.get(i);
            String field = "payloads[" + i + "]";
            require(info.name() != null && PAYLOAD_NAME.matcher(info.name()).matches(), where,
                    field + ".name " + quote(info.name()) + " is not a valid payload name");
            require(names.add(info.name()), where, field + ".name " + quote(info.name()) + " appears twice");
            require(info.size() >= 0, where, field + ".size of " + quote(info.name()) + " is negative (" + info.size() + ")");
            require(info.hashChunkSize() > 0 && info.hashChunkSize() <= MAX_HASH_CHUNK_SIZE, where,
                    field + ".hash_chunk_size of " + quote(info.name()) + " is " + info.hashChunkSize()
                            + "; it must be above 0 and at most " + MAX_HASH_CHUNK_SIZE);
            long expectedChunks = PayloadInfo.chunkCount(info.size(), info.hashChunkSize());
            require(info.chunkHashes().size() == expectedChunks, where,
                    field + ".chunk_hashes_sha256 of " + quote(info.name()) + " has " + info.chunkHashes().size()
                            + " entries; a payload of " + info.size() + " bytes in chunks of " + info.hashChunkSize()
                            + " needs " + expectedChunks);
            Descriptor layer = layers.get(i);
            if (MediaTypes.PAYLOAD_UNCOMPRESSED.equals(layer.mediaType())) {
                require(layer.size() == info.size(), where, "layers[" + i + "] of uncompressed payload " + quote(info.name())
                        + " is " + layer.size() + " bytes but the config says " + info.size());
            } else {
                long bound = maxZstdSize(info.size(), expectedChunks);
                require(layer.size() <= bound, where, "layers[" + i + "] of zstd payload " + quote(info.name()) + " claims "
                        + layer.size() + " bytes, but zstd stores a payload of " + info.size() + " bytes in at most " + bound
                        + "; refused before downloading it");
            }
            payloads.add(new Payload(image, info, layer));
        }
        return new OsImage(image, config, configBytes, List.copyOf(payloads));
    }

    /**
     * The most bytes a zstd layer of a {@code size}-byte payload can need, however it is framed
     * (one frame, or one per chunk plus a seek table): zstd's own bound of {@code size/256} is
     * doubled, plus 128 bytes per chunk for frame headers, checksums and seek-table entries and
     * 64 KiB for everything else. Every download and read of a layer is bounded by it, so a
     * descriptor cannot make osimg fetch more than the payload can take.
     */
    public static long maxZstdSize(long size, long chunks) {
        long overhead = size / 128 + 128 * chunks + (64 << 10);
        return size > Long.MAX_VALUE - overhead ? Long.MAX_VALUE : size + overhead;
    }

    /** The image this was read from. */
    public OciImage image() {
        return image;
    }

    /** The config, as parsed. */
    public OsImageConfig config() {
        return config;
    }

    /** The config's digest. */
    public Digest configDigest() {
        return image.manifest().config().digest();
    }

    /** The config bytes exactly as stored. */
    public byte[] configBytes() {
        return configBytes.clone();
    }

    /** The product info (empty when the config has none). */
    public ProductInfo productInfo() {
        return config.productInfo() == null ? ProductInfo.EMPTY : config.productInfo();
    }

    /** The payloads, in layer order. */
    public List<Payload> payloads() {
        return payloads;
    }

    /** The payload of this name. */
    public Payload payload(String name) throws OsImageFormatException {
        return payloads.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new OsImageFormatException(image.location() + " has no payload named " + quote(name)
                        + "; it has " + payloads.stream().map(p -> quote(p.name())).toList()));
    }

    private static void require(boolean condition, String where, String message) throws OsImageFormatException {
        if (!condition) {
            throw new OsImageFormatException(where + ": " + message);
        }
    }

    static String quote(String s) {
        return s == null ? "(missing)" : "\"" + s + "\"";
    }
}
