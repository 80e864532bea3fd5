package dev.osimg.oci;

import dev.osimg.digest.Digest;

import dev.osimg.blob.Blob;
import dev.osimg.blob.FileBlob;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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

    /** Opens a layout directory, checking that it is one. */
    public static OciLayout open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no such OCI layout directory");
        }
        if (!Files.isRegularFile(dir.resolve("oci-layout"))) {
            throw new IOException(dir + " is not an OCI image layout: it has no oci-layout file");
        }
        Path indexFile = dir.resolve("index.json");
        if (!Files.isRegularFile(indexFile)) {
            throw new IOException(dir + " is not a complete OCI image layout: it has no index.json");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(indexFile)) {
            bytes = SmallBlobs.readCapped(in, indexFile.toString());
        }
        Index index = Index.parse(bytes, indexFile.toString());
        if (index.mediaType() != null && !index.mediaType().isEmpty() && !index.mediaType().equals(MediaTypes.IMAGE_INDEX)) {
            throw new IOException(indexFile + ": mediaType is \"" + index.mediaType() + "\", expected \"" + MediaTypes.IMAGE_INDEX + "\"");
        }
        return new OciLayout(dir, index);
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
        return new LayoutImage(location, chosen.digest(), manifestBytes, manifest);
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

    private final class LayoutImage implements OciImage {
        private final String location;
        private final Digest digest;
        private final byte[] bytes;
        private final Manifest manifest;

        LayoutImage(String location, Digest digest, byte[] bytes, Manifest manifest) {
            this.location = location;
            this.digest = digest;
            this.bytes = bytes;
            this.manifest = manifest;
        }

        @Override
        public String location() {
            return location;
        }

        @Override
        public Digest manifestDigest() {
            return digest;
        }

        @Override
        public byte[] manifestBytes() {
            return bytes.clone();
        }

        @Override
        public Manifest manifest() {
            return manifest;
        }

        @Override
        public Blob blob(Descriptor descriptor) throws IOException {
            return OciLayout.this.blob(descriptor);
        }
    }
}
