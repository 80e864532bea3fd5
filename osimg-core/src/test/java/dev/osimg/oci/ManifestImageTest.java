package dev.osimg.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osimg.blob.BytesBlob;
import dev.osimg.digest.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every image shares one base for what all images have; only how a blob is reached differs. */
class ManifestImageTest {
    @Test
    void everyImageImplementationSharesTheManifestBase() throws Exception {
        Path classes = Path.of(OciImage.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> handCopied;
        try (Stream<Path> walk = Files.walk(classes)) {
            handCopied = walk.filter(p -> p.toString().endsWith(".class"))
                    .map(p -> classes.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", ""))
                    .filter(name -> {
                        try {
                            Class<?> c = Class.forName(name, false, OciImage.class.getClassLoader());
                            return OciImage.class.isAssignableFrom(c) && !c.isInterface()
                                    && !ManifestImage.class.isAssignableFrom(c);
                        } catch (ClassNotFoundException | LinkageError e) {
                            throw new AssertionError(name, e);
                        }
                    })
                    .toList();
        }
        assertThat(handCopied).as("OciImage implementations that do not extend ManifestImage").isEmpty();
    }

    @Test
    void theManifestBytesCannotBeChangedFromOutside() throws Exception {
        byte[] bytes = "{\"schemaVersion\": 2}".getBytes(StandardCharsets.UTF_8);
        Manifest manifest = Manifest.parse(bytes, "test manifest");
        OciImage image = ManifestImage.of("test", Digest.of(bytes), bytes, manifest, d -> new BytesBlob(new byte[0]));
        bytes[0] = 'x';
        image.manifestBytes()[1] = 'y';
        assertThat(image.manifestBytes()).isEqualTo("{\"schemaVersion\": 2}".getBytes(StandardCharsets.UTF_8));
        assertThat(image.manifestDigest()).isEqualTo(Digest.of(image.manifestBytes()));
        OciImage other = ManifestImage.withBlobs(image, "elsewhere", d -> new BytesBlob(new byte[] {1}));
        assertThat(other.location()).isEqualTo("elsewhere");
        assertThat(other.manifest()).isEqualTo(manifest);
        assertThat(other.blob(null).size()).isEqualTo(1);
    }
}
