package dev.osimg.oci;

import dev.osimg.digest.Digest;
import dev.osimg.digest.InvalidDigestException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ImageReferenceTest {
    private static final String HEX = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void parsesLayoutForms() {
        assertThat(ImageReference.parse("oci:out/img")).isEqualTo(new ImageReference.Layout(Path.of("out/img"), null));
        assertThat(ImageReference.parse("oci:out/img:v1.2")).isEqualTo(new ImageReference.Layout(Path.of("out/img"), "v1.2"));
        assertThat(ImageReference.parse("out/img")).isEqualTo(new ImageReference.Layout(Path.of("out/img"), null));
        assertThat(ImageReference.parse("/abs/dir")).isEqualTo(new ImageReference.Layout(Path.of("/abs/dir"), null));
    }

    @Test
    void parsesRegistryForms() {
        assertThat(ImageReference.parse("localhost:5000/os/node:v1"))
                .isEqualTo(new ImageReference.Registry("localhost:5000", "os/node", "v1", null));
        assertThat(ImageReference.parse("docker://registry.example.com/os@sha256:" + HEX))
                .isEqualTo(new ImageReference.Registry("registry.example.com", "os", null, Digest.parse("sha256:" + HEX)));
        assertThat(ImageReference.parse("127.0.0.1:5000/a:t@sha256:" + HEX))
                .isEqualTo(new ImageReference.Registry("127.0.0.1:5000", "a", "t", Digest.parse("sha256:" + HEX)));
        assertThat(ImageReference.parse("[::1]:5000/a:t"))
                .isEqualTo(new ImageReference.Registry("[::1]:5000", "a", "t", null));
    }

    @Test
    void rejectsMalformedRegistryReferences() {
        assertThatThrownBy(() -> ImageReference.parse("localhost:5000/Upper/case:v1"))
                .hasMessageContaining("repository \"Upper/case\"");
        assertThatThrownBy(() -> ImageReference.parse("docker://localhost:5000/os:-bad"))
                .hasMessageContaining("tag \"-bad\"");
        assertThatThrownBy(() -> ImageReference.parse("localhost:5000/os@sha256:../../etc/passwd"))
                .isInstanceOf(IllegalArgumentException.class).hasCauseInstanceOf(InvalidDigestException.class);
        assertThatThrownBy(() -> ImageReference.parse("")).hasMessageContaining("empty");
    }

    @Test
    void refusesPortsOutsideTheTcpRangeAndBadDigestsAsUsageErrors() {
        for (String ref : java.util.List.of("127.0.0.1:99999/os/x:1", "host.example:0/os/x", "host.example:123456/os/x")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ImageReference.parse(ref))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not a TCP port");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ImageReference.parse("host.example/os/x@sha256:abc"))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host.example/os/x@sha256:abc");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ImageReference.checkRegistryHost("mirror.example:70000"))
                .hasMessageContaining("is not a TCP port");
        org.assertj.core.api.Assertions.assertThat(ImageReference.checkRegistryHost("[::1]:5000")).isEqualTo("[::1]:5000");
    }

    @Test
    void aPathWithANulCharacterIsAUsageErrorFoundByFuzzing() {
        for (String ref : java.util.List.of("dir\0name", "oci:dir\0name:v1")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ImageReference.parse(ref))
                    .isExactlyInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not a usable path");
        }
    }

    @Test
    void manifestBytesInAnUnreadableEncodingAreAnInvalidImageFoundByFuzzing() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Manifest.parse(new byte[] {0, 0x40, 0, 0, 0, 0x0a}, "manifest m"))
                .isInstanceOf(InvalidImageException.class)
                .hasMessage("manifest m is not a valid image manifest: not JSON text (its character encoding cannot be read)");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Index.parse(new byte[] {0, 0x40, 0, 0, 0, 0x0a}, "index.json"))
                .isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("not JSON text");
    }
}
