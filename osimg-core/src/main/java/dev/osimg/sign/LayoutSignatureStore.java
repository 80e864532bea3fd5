package dev.osimg.sign;

import dev.osimg.blob.FileBlob;
import dev.osimg.digest.Digest;
import dev.osimg.oci.Descriptor;
import dev.osimg.oci.Manifest;
import dev.osimg.oci.MediaTypes;
import dev.osimg.oci.OciLayout;
import dev.osimg.oci.OciLayoutWriter;
import dev.osimg.oci.SmallBlobs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Signatures kept in an OCI layout directory beside the image, tagged as cosign tags them in a registry. */
public final class LayoutSignatureStore implements SignatureStore {
    private final Path dir;

    public LayoutSignatureStore(Path dir) {
        this.dir = dir;
    }

    @Override
    public String location() {
        return "oci:" + dir;
    }

    @Override
    public Manifest tagged(String tag) throws IOException {
        OciLayout layout = OciLayout.open(dir);
        for (Descriptor d : layout.index().manifests()) {
            if (tag.equals(d.annotation(MediaTypes.REF_NAME_ANNOTATION))) {
                return read(layout, d);
            }
        }
        return null;
    }

    @Override
    public List<Manifest> referrers(Digest digest) throws IOException {
        OciLayout layout = OciLayout.open(dir);
        List<Manifest> found = new ArrayList<>();
        for (Descriptor d : layout.index().manifests()) {
            if (!MediaTypes.IMAGE_MANIFEST.equals(d.mediaType()) || d.digest().equals(digest) || d.size() > SmallBlobs.MAX_DOCUMENT_SIZE) {
                continue;
            }
            Manifest m = read(layout, d);
            if (m.subject() != null && m.subject().digest().equals(digest)) {
                found.add(m);
            }
        }
        return found;
    }

    private Manifest read(OciLayout layout, Descriptor d) throws IOException {
        String what = location() + ": manifest " + d.digest();
        return Manifest.parse(SmallBlobs.readVerified(layout.blob(d), d, what), what);
    }

    @Override
    public byte[] blob(Descriptor descriptor, long maxSize) throws IOException {
        String what = location() + ": signature blob " + descriptor.digest();
        if (descriptor.size() > maxSize) {
            throw new IOException(what + " is " + descriptor.size() + " bytes; signature payloads over " + maxSize + " are refused");
        }
        Path path = OciLayout.blobPath(dir, descriptor.digest());
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null, "blob " + descriptor.digest() + " is missing from " + location());
        }
        return SmallBlobs.readVerified(new FileBlob(path, Files.size(path)), descriptor, what);
    }

    @Override
    public void put(String tag, List<SignatureLayer> newLayers, SignatureManifest.Built built) throws IOException {
        try (OciLayoutWriter writer = OciLayoutWriter.open(dir)) {
            for (SignatureLayer layer : newLayers) {
                writer.writeBlob(layer.payload());
            }
            writer.writeBlob(built.config());
            writer.writeBlob(built.manifest());
            writer.commit(built.descriptor(), tag);
        }
    }
}
