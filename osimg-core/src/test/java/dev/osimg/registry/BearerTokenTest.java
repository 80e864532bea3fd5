package dev.osimg.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osimg.digest.Digest;
import dev.osimg.oci.OciLayout;
import dev.osimg.osimage.BuildResult;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The distribution registry in token mode with a token server of the test: Bearer tokens per scope, renewed when they expire. */
class BearerTokenTest {
    @TempDir
    Path tmp;

    @Test
    void pushesAndPullsWithBearerTokensRenewedOnExpiry() throws Exception {
        BuildResult built = TestImages.build(tmp.resolve("src"), 100_000, 1_200_000, 7);
        try (TokenServer tokens = TokenServer.start(tmp, "fleet", "token-pw", 2);
                DistributionRegistry registry = DistributionRegistry.start(tmp.resolve("reg"), tokens.registryAuthSection(tmp))) {
            String ref = registry.host() + "/os/bearer:v1";
            RegistryOptions options = RegistryOptions.defaults().withDockerConfig(tmp.resolve("none.json"))
                    .withCredential(new Credential("fleet", "token-pw"));

            Digest pushed = DistributionInteropTest.copy("oci:" + built.layout() + ":v1", ref, options);
            assertThat(pushed).isEqualTo(built.manifestDescriptor().digest());
            assertThat(tokens.scopesAsked).contains("repository:os/bearer:pull,push");

            try (RegistryClient client = new RegistryClient(options)) {
                RegistryImage first = client.open((dev.osimg.oci.ImageReference.Registry) dev.osimg.oci.ImageReference.parse(ref));
                int afterFirst = tokens.issued.get();
                client.open((dev.osimg.oci.ImageReference.Registry) dev.osimg.oci.ImageReference.parse(ref));
                assertThat(tokens.issued.get()).as("a cached token is reused").isEqualTo(afterFirst);
                Thread.sleep(2_100);
                RegistryImage renewed = client.open((dev.osimg.oci.ImageReference.Registry) dev.osimg.oci.ImageReference.parse(ref));
                assertThat(tokens.issued.get()).as("an expired token is renewed").isGreaterThan(afterFirst);
                assertThat(renewed.manifestDigest()).isEqualTo(first.manifestDigest());
            }

            Path pulled = tmp.resolve("pulled");
            assertThat(DistributionInteropTest.copy(ref, pulled.toString(), options)).isEqualTo(pushed);
            DistributionInteropTest.verifyAllPayloads(pulled);
            assertThat(OciLayout.open(pulled).image("v1").manifestDigest()).isEqualTo(pushed);

            RegistryOptions wrong = options.withCredential(new Credential("fleet", "nope"));
            assertThatThrownBy(() -> DistributionInteropTest.copy(ref, tmp.resolve("denied").toString(), wrong))
                    .isInstanceOf(RegistryAuthenticationException.class)
                    .hasMessageContaining("token server")
                    .hasMessageContaining(registry.host())
                    .hasMessageContaining("user \"fleet\"");
            assertThat(tmp.resolve("denied")).doesNotExist();
        }
    }
}
