package dev.osimg.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osimg.oci.ImageReference;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy file: which rule applies to which image, and every mistake named with its place. */
class TrustPolicyTest {
    @TempDir
    Path tmp;

    private TrustPolicy policy(String json) throws Exception {
        return TrustPolicy.read(Files.writeString(tmp.resolve("policy.json"), json));
    }

    @Test
    void theLongestMatchingScopeWinsAtPathBoundaries() throws Exception {
        TrustPolicy p = policy("""
                {"default": {"keys": ["default.pub"]},
                 "registries": {"reg.example": {"keys": ["/keys/reg.pub"]},
                                "reg.example/os": {"keys": ["os.pub", "os-2027.pub"]},
                                "reg.example:5000": {"insecure-no-signature": true}},
                 "layouts": {"insecure-no-signature": true}}
                """);
        assertThat(p.requirementFor(ImageReference.parse("reg.example/os/node:v1")).keys())
                .containsExactly(tmp.resolve("os.pub"), tmp.resolve("os-2027.pub"));
        assertThat(p.requirementFor(ImageReference.parse("reg.example/osx/node:v1")).keys()).containsExactly(Path.of("/keys/reg.pub"));
        assertThat(p.requirementFor(ImageReference.parse("reg.example:5000/os/node")).insecureNoSignature()).isTrue();
        assertThat(p.requirementFor(ImageReference.parse("other.example/os/node")).rule()).isEqualTo("default");
        assertThat(p.requirementFor(ImageReference.parse("oci:" + tmp)).rule()).isEqualTo("layouts");
    }

    @Test
    void withoutAnApplicableRuleEveryImageIsRefused() throws Exception {
        TrustPolicy p = policy("{\"registries\": {\"reg.example/os\": {\"keys\": [\"os.pub\"]}}}");
        assertThatThrownBy(() -> p.requirementFor(ImageReference.parse("oci:" + tmp)))
                .isInstanceOf(SignatureVerificationException.class).hasMessageContaining("has no rule for oci:" + tmp);
        assertThatThrownBy(() -> p.requirementFor(ImageReference.parse("reg.example/other:v1")))
                .isInstanceOf(SignatureVerificationException.class).hasMessageContaining("and no \"default\"");
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> policy("{\"defaults\": {}}")).hasMessageContaining("unknown key \"defaults\"");
        assertThatThrownBy(() -> policy("{\"default\": {\"keys\": \"a.pub\"}}")).hasMessageContaining("default: \"keys\" must be a list");
        assertThatThrownBy(() -> policy("{\"default\": {\"keys\": [\"a.pub\"], \"insecure-no-signature\": true}}"))
                .hasMessageContaining("must name either");
        assertThatThrownBy(() -> policy("{\"layouts\": {\"insecure-no-signature\": \"yes\"}}")).hasMessageContaining("true or false");
        assertThatThrownBy(() -> policy("{\"registries\": {\"https://reg.example\": {\"keys\": [\"a\"]}}}"))
                .hasMessageContaining("must be HOST[:PORT] or HOST[:PORT]/REPO");
        assertThatThrownBy(() -> policy("{not json")).hasMessageContaining("is not valid JSON");
        assertThatThrownBy(() -> TrustPolicy.read(tmp.resolve("missing.json"))).hasMessageContaining("no such policy file");
    }
}
