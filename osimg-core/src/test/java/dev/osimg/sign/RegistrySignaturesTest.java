package dev.osimg.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osimg.blob.Progress;
import dev.osimg.digest.Digest;
import dev.osimg.json.GoCompatibleJson;
import dev.osimg.oci.Descriptor;
import dev.osimg.oci.ImageReference;
import dev.osimg.oci.Manifest;
import dev.osimg.oci.MediaTypes;
import dev.osimg.oci.OciLayout;
import dev.osimg.oci.OciLayoutWriter;
import dev.osimg.osimage.BuildResult;
import dev.osimg.registry.DistributionRegistry;
import dev.osimg.registry.RegistryClient;
import dev.osimg.registry.RegistryOptions;
import dev.osimg.registry.RegistrySink;
import dev.osimg.registry.TestImages;
import dev.osimg.serve.RegistryServer;
import dev.osimg.transfer.ImageCopy;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signatures in registries: the tag form on the distribution registry (2.8, which has no
 * referrers API: detected, and the tag used), and the OCI 1.1 referrers form through osimg's
 * own server, which lists referrers.
 */
class RegistrySignaturesTest {
    @TempDir
    Path tmp;

    private RegistryClient client;
    private BuildResult image;
    private Digest digest;
    private KeyPair ci;
    private VerificationKey ciKey;

    @BeforeEach
    void setUp() throws Exception {
        client = new RegistryClient(RegistryOptions.defaults());
        image = TestImages.build(tmp.resolve("img"), 2000, 50_000, 21);
        digest = image.manifestDescriptor().digest();
        ci = KeyFiles.generate();
        ciKey = new VerificationKey("ci.pub", ci.getPublic());
    }

    @AfterEach
    void close() {
        client.close();
    }

    @Test
    void distributionRegistryHasNoReferrersApiSoTheTagFormIsUsed() throws Exception {
        try (DistributionRegistry registry = DistributionRegistry.start(tmp.resolve("registry"), null)) {
            ImageReference.Registry ref = new ImageReference.Registry(registry.host(), "os/node", "v1", null);
            new ImageCopy(2, Progress.NONE).copy(OciLayout.open(image.layout()).image("v1"), new RegistrySink(client, ref));
            SignatureStore store = SignatureStores.of(ref, client);
            assertThat(store.referrers(digest)).as("distribution 2.8 answers 404 to the referrers API").isNull();
            assertThatThrownBy(() -> SignatureVerifier.verify(store, digest, ref.toString(), List.of(ciKey)))
                    .isInstanceOf(SignatureVerificationException.class)
                    .hasMessageEndingWith("has no signature tag " + SignatureManifest.tag(digest));
            ImageSigner.sign(store, ci.getPrivate(), new SimpleSigningPayload(ref.host() + "/os/node", digest, null));
            assertThat(SignatureVerifier.verify(store, digest, ref.toString(), List.of(ciKey)).where())
                    .isEqualTo(registry.host() + "/os/node:" + SignatureManifest.tag(digest));
        }
    }

    @Test
    void referrersFormIsFoundThroughTheReferrersApi() throws Exception {
        SignatureLayer layer = ImageSigner.signatureLayer(ci.getPrivate(), new SimpleSigningPayload("os/node", digest, null));
        SignatureManifest.Built built = SignatureManifest.build(List.of(layer.descriptor()));
        Manifest plain = Manifest.parse(built.manifest(), "built");
        byte[] referrer = GoCompatibleJson.write(new Manifest(2, MediaTypes.IMAGE_MANIFEST, "application/vnd.dev.cosign.artifact.sig.v1+json",
                plain.config(), plain.layers(), image.manifestDescriptor(), null));
        try (OciLayoutWriter writer = OciLayoutWriter.open(image.layout())) {
            writer.writeBlob(layer.payload());
            writer.writeBlob(built.config());
            writer.writeBlob(referrer);
            writer.commit(Descriptor.of(MediaTypes.IMAGE_MANIFEST, Digest.of(referrer), referrer.length), "cosign-referrer");
        }
        BuildResult unsigned = TestImages.build(tmp.resolve("unsigned"), 2000, 50_000, 22);
        try (RegistryServer server = RegistryServer.start(new InetSocketAddress("127.0.0.1", 0),
                Map.of("os/node", image.layout(), "os/other", unsigned.layout()))) {
            String host = "127.0.0.1:" + server.address().getPort();
            SignatureStore store = new RegistrySignatureStore(client.repository(host, "os/node"));
            assertThat(store.tagged(SignatureManifest.tag(digest))).as("no tag form here").isNull();
            assertThat(store.referrers(digest)).hasSize(1);
            assertThat(SignatureVerifier.verify(store, digest, host + "/os/node:v1", List.of(ciKey)).where()).contains("referrer of");

            Digest other = unsigned.manifestDescriptor().digest();
            SignatureStore otherStore = new RegistrySignatureStore(client.repository(host, "os/other"));
            assertThat(otherStore.referrers(other)).isEmpty();
            assertThatThrownBy(() -> SignatureVerifier.verify(otherStore, other, host + "/os/other:v1", List.of(ciKey)))
                    .isInstanceOf(SignatureVerificationException.class)
                    .hasMessageEndingWith("and no signature among its referrers");
        }
    }
}
