package dev.osimg.oci;

import dev.osimg.digest.Digest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.osimg.blob.Blob;
import dev.osimg.blob.FileBlob;
import dev.osimg.json.GoCompatibleJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/** An OCI image layout directory being read: {@code oci-layout}, {@code index.json}, {@code blobs/}. */
public final class OciLayout {
    /**
     * Tags of what tools attach to an image (cosign's signatures, attestations, SBOMs): such
     * entries are not images of their own, so a layout holding one image and its signatures
     * still names that image without a tag.
     */
    public static final Pattern ATTACHED_TAG = Pattern.compile("sha256-[0-9a-f]{64}\\.(sig|att|sbom)");

    private final Path dir;
    private final Index index;

    private OciLayout(Path dir, Index index) {
        this.dir = dir;
        this.index = index;
    }

    /** The only {@code imageLayoutVersion} osimg reads and writes. */
    public static final String LAYOUT_VERSION = "1.0.0";

    private static final int MAX_LAYOUT_FILE = 4096;

    /**
     * Opens a layout directory, checking that it is one of the version osimg reads. A directory
     * that cannot be read says "permission denied", not that it is no layout.
     */
    public static OciLayout open(Path dir) throws IOException {
        try {
            if (!Files.readAttributes(dir, BasicFileAttributes.class).isDirectory()) {
                throw new IOException(dir + " is not an OCI image layout: it is not a directory");
            }
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(dir.toString(), null, "no such OCI layout directory");
        }
        checkLayoutFile(dir);
        Path indexFile = dir.resolve("index.json");
        byte[] bytes;
        try (InputStream in = Files.newInputStream(indexFile)) {
            bytes = SmallBlobs.readCapped(in, indexFile.toString());
        } catch (NoSuchFileException e) {
            throw new IOException(dir + " is not a complete OCI image layout: it has no index.json");
        }
        Index index = Index.parse(bytes, indexFile.toString());
        if (index.mediaType() != null && !index.mediaType().isEmpty() && !index.mediaType().equals(MediaTypes.IMAGE_INDEX)) {
            throw new IOException(indexFile + ": mediaType is \"" + index.mediaType() + "\", expected \"" + MediaTypes.IMAGE_INDEX + "\"");
        }
        return new OciLayout(dir, index);
    }

    /**
     * Checks the {@code oci-layout} file of {@code dir}: there, readable, and naming
     * {@code imageLayoutVersion} {@value #LAYOUT_VERSION}; a layout of another version is refused
     * rather than misread or written into.
     */
    static void checkLayoutFile(Path dir) throws IOException {
        Path file = dir.resolve("oci-layout");
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_LAYOUT_FILE + 1);
        } catch (NoSuchFileException e) {
            throw new IOException(dir + " is not an OCI image layout: it has no oci-layout file");
        }
        String version;
        try {
            if (bytes.length > MAX_LAYOUT_FILE) {
                throw new InvalidImageException(file + " is larger than " + MAX_LAYOUT_FILE + " bytes; it is no oci-layout file");
            }
            JsonNode node = GoCompatibleJson.mapper().readTree(bytes);
            JsonNode field = node == null || !node.isObject() ? null : node.get("imageLayoutVersion");
            if (field == null || !field.isTextual()) {
                throw new InvalidImageException(file + " has no imageLayoutVersion string; expected {\"imageLayoutVersion\": \""
                        + LAYOUT_VERSION + "\"}");
            }
            version = field.asText();
        } catch (JsonProcessingException | java.io.CharConversionException e) {
            throw new InvalidImageException(file + " is not valid JSON: " + dev.osimg.json.JsonProblem.describe(e), e);
        }
        if (!LAYOUT_VERSION.equals(version)) {
            throw new InvalidImageException(file + ": imageLayoutVersion is \"" + version + "\"; osimg reads and writes layouts of"
                    + " version " + LAYOUT_VERSION + " only");
        }
    }

    /** The directory. */
    public Path dir() {
        return dir;
    }

    /** The parsed {@code index.json}. */
    public Index index() {
        return index;
    }

    /** The path a blob of this digest has in the layout; the digest's form makes escaping impossible. */
    public static Path blobPath(Path dir, Digest digest) {
        return dir.resolve("blobs").resolve(Digest.ALGORITHM).resolve(digest.hex());
    }

    /**
     * The manifest named {@code tag} (by its {@code org.opencontainers.image.ref.name}
     * annotation), or the only manifest when {@code tag} is null.
     */
    public OciImage image(String tag) throws IOException {
        List<Descriptor> manifests = index.manifests();
        Descriptor chosen;
        if (tag == null) {
            List<Descriptor> images = manifests.stream().filter(m -> !isAttached(m)).toList();
            if (images.size() != 1) {
                throw new IOException("oci:" + dir + " holds " + images.size() + " image manifests "
                        + tagList(images) + "; name one as oci:" + dir + ":TAG");
            }
            chosen = images.getFirst();
        } else {
            chosen = manifests.stream()
                    .filter(m -> tag.equals(m.annotation(MediaTypes.REF_NAME_ANNOTATION)))
                    .findFirst()
                    .orElseThrow(() -> new IOException("oci:" + dir + " has no manifest tagged \"" + tag
                            + "\"; it has " + tagList(manifests)));
        }
        String location = "oci:" + dir + (tag == null ? "" : ":" + tag);
        if (chosen.mediaType() != null && chosen.mediaType().equals(MediaTypes.IMAGE_INDEX)) {
            throw new IOException(location + " names an image index, not an image manifest; osimg reads OS image manifests only");
        }
        String manifestWhat = location + ": manifest " + chosen.digest();
        SmallBlobs.checkDocumentSize(chosen, manifestWhat);
        byte[] manifestBytes = SmallBlobs.readVerified(blob(chosen), chosen, manifestWhat);
        Manifest manifest = Manifest.parse(manifestBytes, manifestWhat);
        return ManifestImage.of(location, chosen.digest(), manifestBytes, manifest, this::blob);
    }

    /** A blob of this layout, checked to exist with the descriptor's size. */
    public Blob blob(Descriptor descriptor) throws IOException {
        if (descriptor.size() < 0) {
            throw new IOException("blob " + descriptor.digest() + " has a negative size (" + descriptor.size() + ")");
        }
        Path path = blobPath(dir, descriptor.digest());
        long actual;
        try {
            actual = Files.size(path);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(path.toString(), null, "blob " + descriptor.digest() + " is missing from oci:" + dir);
        }
        if (actual != descriptor.size()) {
            throw new IOException("blob " + descriptor.digest() + " in oci:" + dir + " is " + actual
                    + " bytes, its descriptor says " + descriptor.size() + "; the layout is damaged: pull or build it again");
        }
        return new FileBlob(path, actual);
    }

    /** Whether an index entry is something attached to an image (tagged like a cosign signature). */
    public static boolean isAttached(Descriptor entry) {
        String tag = entry.annotation(MediaTypes.REF_NAME_ANNOTATION);
        return tag != null && ATTACHED_TAG.matcher(tag).matches();
    }

    private static String tagList(List<Descriptor> manifests) {
        List<String> tags = manifests.stream()
                .map(m -> m.annotation(MediaTypes.REF_NAME_ANNOTATION))
                .filter(Objects::nonNull)
                .map(t -> "\"" + t + "\"")
                .toList();
        return tags.isEmpty() ? "(no tags)" : "(tags " + String.join(", ", tags) + ")";
    }
}
