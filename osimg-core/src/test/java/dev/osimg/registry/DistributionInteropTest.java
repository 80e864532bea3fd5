package dev.osimg.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osimg.blob.Progress;
import dev.osimg.digest.Digest;
import dev.osimg.oci.ImageReference;
import dev.osimg.oci.ImageSink;
import dev.osimg.oci.OciLayout;
import dev.osimg.osimage.BuildResult;
import dev.osimg.osimage.OsImage;
import dev.osimg.transfer.ImageCopy;
import dev.osimg.transfer.Images;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** osimg and skopeo exchange OS images through the real distribution registry, with and without Basic auth. */
class DistributionInteropTest {
    @TempDir
    Path tmp;

    static Digest copy(String from, String to, RegistryOptions options) throws IOException {
        try (RegistryClient client = new RegistryClient(options)) {
            ImageReference source = ImageReference.parse(from);
            ImageReference destination = ImageReference.parse(to);
            String tag = source instanceof ImageReference.Registry r ? r.tag() : null;
            dev.osimg.oci.OciImage image = Images.open(source, client);
            try (ImageSink sink = Images.sink(destination, client, image, tag)) {
                return new ImageCopy(options.jobs(), Progress.NONE).copy(image, sink).manifest().digest();
            }
        }
    }

    static void verifyAllPayloads(Path layout) throws IOException {
        OsImage os = OsImage.read(OciLayout.open(layout).image(null));
        for (var payload : os.payloads()) {
            try (InputStream in = payload.openVerified()) {
                in.transferTo(OutputStream.nullOutputStream());
            }
        }
    }

    private RegistryOptions anonymous() {
        return RegistryOptions.defaults().withDockerConfig(tmp.resolve("no-docker-config.json"));
    }

    @Test
    void osimgPushesAndSkopeoPullsTheSameDigest() throws Exception {
        BuildResult built = TestImages.build(tmp.resolve("src"), 300_000, 3_000_000, 1);
        try (DistributionRegistry registry = DistributionRegistry.start(tmp.resolve("reg"), null)) {
            Digest pushed = copy("oci:" + built.layout() + ":v1", registry.host() + "/os/test:v1", anonymous());
            assertThat(pushed).isEqualTo(built.manifestDescriptor().digest());

            Tools.skopeo("copy", "--src-tls-verify=false", "docker://" + registry.host() + "/os/test:v1", "oci:" + tmp.resolve("by-skopeo") + ":v1");
            Digest skopeoDigest = OciLayout.open(tmp.resolve("by-skopeo")).image("v1").manifestDigest();
            assertThat(skopeoDigest).isEqualTo(pushed);
            verifyAllPayloads(tmp.resolve("by-skopeo"));

            String raw = Tools.skopeo("inspect", "--raw", "--tls-verify=false", "docker://" + registry.host() + "/os/test:v1");
            assertThat(Digest.of(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo(pushed);
        }
    }

    @Test
    void skopeoPushesAndOsimgPullsTheSameDigestVerified() throws Exception {
        BuildResult built = TestImages.build(tmp.resolve("src"), 200_000, 2_500_000, 2);
        try (DistributionRegistry registry = DistributionRegistry.start(tmp.resolve("reg"), null)) {
            Tools.skopeo("copy", "--dest-tls-verify=false", "oci:" + built.layout() + ":v1", "docker://" + registry.host() + "/os/by-skopeo:v1");
            Path pulled = tmp.resolve("pulled");
            Digest digest = copy(registry.host() + "/os/by-skopeo:v1", pulled.toString(), anonymous());
            assertThat(digest).isEqualTo(built.manifestDescriptor().digest());
            assertThat(OciLayout.open(pulled).image("v1").manifestDigest()).isEqualTo(digest);
            verifyAllPayloads(pulled);

            Path byDigest = tmp.resolve("by-digest");
            copy(registry.host() + "/os/by-skopeo:v1@" + digest, byDigest.toString(), anonymous());
            assertThat(OciLayout.open(byDigest).image(null).manifestDigest()).isEqualTo(digest);

            // A pull into the same repository's other name mounts nothing but re-uses blobs: HEAD finds them.
            Digest copied = copy(registry.host() + "/os/by-skopeo:v1", registry.host() + "/os/copied:v2", anonymous());
            assertThat(copied).isEqualTo(digest);
            assertThat(Files.readString(registry.log())).contains("mount=sha256:");
        }
    }

    @Test
    void basicAuthWithDockerConfigAndExplicitCredentials() throws Exception {
        BuildResult built = TestImages.build(tmp.resolve("src"), 100_000, 1_500_000, 3);
        String htpasswdLine = Tools.run(List.of(Tools.HTPASSWD.toString(), "-Bbn", "fleet", "s3cret-pw"));
        Path htpasswd = tmp.resolve("htpasswd");
        Files.writeString(htpasswd, htpasswdLine);
        String auth = "htpasswd:\n  realm: osimg-test\n  path: " + htpasswd + "\n";
        try (DistributionRegistry registry = DistributionRegistry.start(tmp.resolve("reg"), auth)) {
            String ref = registry.host() + "/os/private:v1";

            assertThatThrownBy(() -> copy("oci:" + built.layout() + ":v1", ref, anonymous()))
                    .isInstanceOf(RegistryAuthenticationException.class)
                    .hasMessageContaining(registry.host())
                    .hasMessageContaining("anonymously")
                    .hasMessageContaining("no-docker-config.json");

            RegistryOptions wrong = anonymous().withCredential(new Credential("fleet", "wrong-password"));
            assertThatThrownBy(() -> copy("oci:" + built.layout() + ":v1", ref, wrong))
                    .isInstanceOf(RegistryAuthenticationException.class)
                    .hasMessageContaining("user \"fleet\"")
                    .hasMessageContaining("--username/--password-stdin")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-password"));

            Digest pushed = copy("oci:" + built.layout() + ":v1", ref,
                    anonymous().withCredential(new Credential("fleet", "s3cret-pw")));
            assertThat(pushed).isEqualTo(built.manifestDescriptor().digest());

            Path dockerConfig = tmp.resolve("docker-config.json");
            String encoded = Base64.getEncoder().encodeToString("fleet:s3cret-pw".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            Files.writeString(dockerConfig, "{\"auths\": {\"" + registry.host() + "\": {\"auth\": \"" + encoded + "\"}}}");
            Path pulled = tmp.resolve("pulled");
            Digest digest = copy(ref, pulled.toString(), RegistryOptions.defaults().withDockerConfig(dockerConfig));
            assertThat(digest).isEqualTo(pushed);
            verifyAllPayloads(pulled);

            Tools.skopeo("copy", "--src-tls-verify=false", "--src-creds", "fleet:s3cret-pw", "docker://" + ref, "oci:" + tmp.resolve("by-skopeo") + ":v1");
            assertThat(OciLayout.open(tmp.resolve("by-skopeo")).image("v1").manifestDigest()).isEqualTo(pushed);
        }
    }
}
