package dev.osimg.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osimg.digest.Digest;
import dev.osimg.json.GoCompatibleJson;
import dev.osimg.oci.Descriptor;
import dev.osimg.oci.Manifest;
import dev.osimg.oci.MediaTypes;
import dev.osimg.oci.OciLayout;
import dev.osimg.oci.OciLayoutWriter;
import dev.osimg.osimage.BuildResult;
import dev.osimg.registry.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signing and verifying images in layout directories: appends, copies, the referrers form and every refusal. */
class LayoutSignaturesTest {
    @TempDir
    Path tmp;

    private BuildResult image;
    private Path layout;
    private Digest digest;
    private KeyPair ci;
    private VerificationKey ciKey;

    @BeforeEach
    void setUp() throws Exception {
        image = TestImages.build(tmp.resolve("img"), 3000, 70_000, 11);
        layout = image.layout();
        digest = image.manifestDescriptor().digest();
        ci = KeyFiles.generate();
        ciKey = new VerificationKey("ci.pub", ci.getPublic());
    }

    private SimpleSigningPayload payloadFor(Digest d) {
        return new SimpleSigningPayload("registry.example.com/os/node", d, new TreeMap<>(Map.of("build", "42")));
    }

    @Test
    void signedLayoutVerifiesAndStillOpensWithoutATag() throws Exception {
        LayoutSignatureStore store = new LayoutSignatureStore(layout);
        ImageSigner.sign(store, ci.getPrivate(), payloadFor(digest));
        SignatureVerifier.Verified verified = SignatureVerifier.verify(store, digest, "oci:" + layout, List.of(ciKey));
        assertThat(verified.key()).isEqualTo(ciKey);
        assertThat(verified.payload().optional()).containsEntry("build", "42");
        assertThat(verified.where()).contains(SignatureManifest.tag(digest));
        assertThat(OciLayout.open(layout).image(null).manifestDigest()).isEqualTo(digest);
    }

    @Test
    void aSecondSignatureIsAppendedAndEitherKeyVerifies() throws Exception {
        LayoutSignatureStore store = new LayoutSignatureStore(layout);
        KeyPair release = KeyFiles.generate();
        ImageSigner.sign(store, ci.getPrivate(), payloadFor(digest));
        ImageSigner.sign(store, release.getPrivate(), payloadFor(digest));
        Manifest sig = store.tagged(SignatureManifest.tag(digest));
        assertThat(sig.layers()).hasSize(2);
        VerificationKey releaseKey = new VerificationKey("release.pub", release.getPublic());
        assertThat(SignatureVerifier.verify(store, digest, "img", List.of(releaseKey)).key()).isEqualTo(releaseKey);
        assertThat(SignatureVerifier.verify(store, digest, "img", List.of(ciKey)).key()).isEqualTo(ciKey);
        assertThat(Signatures.append(store, digest, List.of(new SignatureLayer(sig.layers().getFirst(),
                store.blob(sig.layers().getFirst(), Signatures.MAX_PAYLOAD))))).as("the same signature again").isZero();
    }

    @Test
    void signaturesCopyToAnotherLayoutAndAreAppendedThere() throws Exception {
        LayoutSignatureStore source = new LayoutSignatureStore(layout);
        ImageSigner.sign(source, ci.getPrivate(), payloadFor(digest));
        BuildResult copy = TestImages.build(tmp.resolve("copy"), 3000, 70_000, 11);
        assertThat(copy.manifestDescriptor().digest()).isEqualTo(digest);
        LayoutSignatureStore target = new LayoutSignatureStore(copy.layout());
        KeyPair other = KeyFiles.generate();
        ImageSigner.sign(target, other.getPrivate(), payloadFor(digest));
        assertThat(Signatures.copy(source, target, digest)).isEqualTo(1);
        assertThat(target.tagged(SignatureManifest.tag(digest)).layers()).hasSize(2);
        assertThat(Signatures.copy(source, target, digest)).isZero();
        SignatureVerifier.verify(target, digest, "copy", List.of(ciKey));
    }

    @Test
    void refusesAnUnsignedImage() {
        assertThatThrownBy(() -> SignatureVerifier.verify(new LayoutSignatureStore(layout), digest, "oci:" + layout, List.of(ciKey)))
                .isInstanceOf(SignatureVerificationException.class)
                .hasMessageContaining("is not signed").hasMessageContaining(SignatureManifest.tag(digest))
                .hasMessageContaining("no signature among its referrers");
    }

    @Test
    void refusesASignatureByAnotherKey() throws Exception {
        LayoutSignatureStore store = new LayoutSignatureStore(layout);
        ImageSigner.sign(store, KeyFiles.generate().getPrivate(), payloadFor(digest));
        assertThatThrownBy(() -> SignatureVerifier.verify(store, digest, "oci:" + layout, List.of(ciKey)))
                .isInstanceOf(SignatureVerificationException.class)
                .hasMessageContaining("no signature of oci:" + layout).hasMessageContaining("does not verify with key ci.pub");
    }

    @Test
    void refusesASignatureMadeForAnotherDigest() throws Exception {
        LayoutSignatureStore store = new LayoutSignatureStore(layout);
        Digest other = Digest.of("another image".getBytes());
        // A genuine signature of another image, placed under this image's signature tag.
        SignatureLayer moved = ImageSigner.signatureLayer(ci.getPrivate(), payloadFor(other));
        store.put(SignatureManifest.tag(digest), List.of(moved), SignatureManifest.build(List.of(moved.descriptor())));
        assertThatThrownBy(() -> SignatureVerifier.verify(store, digest, "oci:" + layout, List.of(ciKey)))
                .isInstanceOf(SignatureVerificationException.class)
                .hasMessageContaining("is for " + other + ", not for this image");
    }

    @Test
    void refusesATamperedPayload() throws Exception {
        LayoutSignatureStore store = new LayoutSignatureStore(layout);
        SignatureLayer layer = ImageSigner.sign(store, ci.getPrivate(), payloadFor(digest));
        Path blob = OciLayout.blobPath(layout, layer.descriptor().digest());
        String text = Files.readString(blob).replace("42", "43");
        blob.toFile().setWritable(true);
        Files.writeString(blob, text);
        assertThatThrownBy(() -> SignatureVerifier.verify(store, digest, "oci:" + layout, List.of(ciKey)))
                .isInstanceOf(SignatureVerificationException.class)
                .hasMessageContaining("could not be read").hasMessageContaining("digest");
    }

    @Test
    void findsSignaturesInTheReferrersForm() throws Exception {
        SignatureLayer layer = ImageSigner.signatureLayer(ci.getPrivate(), payloadFor(digest));
        SignatureManifest.Built built = SignatureManifest.build(List.of(layer.descriptor()));
        Manifest plain = Manifest.parse(built.manifest(), "built");
        Manifest withSubject = new Manifest(2, MediaTypes.IMAGE_MANIFEST, null, plain.config(), plain.layers(),
                image.manifestDescriptor(), null);
        byte[] bytes = GoCompatibleJson.write(withSubject);
        try (OciLayoutWriter writer = OciLayoutWriter.open(layout)) {
            writer.writeBlob(layer.payload());
            writer.writeBlob(built.config());
            writer.writeBlob(bytes);
            writer.commit(Descriptor.of(MediaTypes.IMAGE_MANIFEST, Digest.of(bytes), bytes.length), "signature-referrer");
        }
        SignatureVerifier.Verified verified = SignatureVerifier.verify(new LayoutSignatureStore(layout), digest, "img", List.of(ciKey));
        assertThat(verified.where()).contains("referrer of");
    }
}
