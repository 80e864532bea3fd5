package dev.osimg.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osimg.digest.Digest;
import dev.osimg.oci.Descriptor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The exact bytes of cosign's payload, signature manifest and config (SPEC §5c). */
class SignatureFormatTest {
    private static final Digest IMAGE = Digest.parse("sha256:" + "ab".repeat(32));

    @Test
    void payloadWithoutAnnotationsIsGoCompactJsonWithNullOptional() {
        byte[] bytes = new SimpleSigningPayload("registry.example.com/os/node", IMAGE, null).toBytes();
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(
                "{\"critical\":{\"identity\":{\"docker-reference\":\"registry.example.com/os/node\"},"
                        + "\"image\":{\"docker-manifest-digest\":\"sha256:" + "ab".repeat(32) + "\"},"
                        + "\"type\":\"cosign container image signature\"},\"optional\":null}");
    }

    @Test
    void annotationsAreSortedAndEscapedAsGoDoes() throws Exception {
        TreeMap<String, String> optional = new TreeMap<>(Map.of("z", "last", "build", "<ci & \"main\">", "é", "ü\u2028"));
        byte[] bytes = new SimpleSigningPayload("r/o", IMAGE, optional).toBytes();
        assertThat(new String(bytes, StandardCharsets.UTF_8)).endsWith(
                "\"optional\":{\"build\":\"\\u003cci \\u0026 \\\"main\\\"\\u003e\",\"z\":\"last\",\"é\":\"ü\\u2028\"}}");
        SimpleSigningPayload parsed = SimpleSigningPayload.parse(bytes);
        assertThat(parsed.imageDigest()).isEqualTo(IMAGE);
        assertThat(parsed.optional()).isEqualTo(optional);
        assertThat(parsed.dockerReference()).isEqualTo("r/o");
    }

    @Test
    void parseRefusesOtherTypesAndMissingDigests() {
        assertThatThrownBy(() -> SimpleSigningPayload.parse("{\"critical\":{\"type\":\"other\"}}".getBytes()))
                .hasMessageContaining("type \"other\"");
        assertThatThrownBy(() -> SimpleSigningPayload.parse(("{\"critical\":{\"type\":\"" + SimpleSigningPayload.TYPE
                + "\",\"image\":{\"docker-manifest-digest\":\"md5:x\"}}}").getBytes())).hasMessageContaining("no valid manifest digest");
        assertThatThrownBy(() -> SimpleSigningPayload.parse("[1]".getBytes())).hasMessageContaining("no \"critical\"");
    }

    @Test
    void signatureManifestAndConfigHaveGoContainerRegistryBytes() {
        byte[] payload = new SimpleSigningPayload("r/o", IMAGE, null).toBytes();
        SignatureLayer layer = SignatureLayer.of(payload, new byte[] {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02});
        SignatureManifest.Built built = SignatureManifest.build(List.of(layer.descriptor()));
        String config = new String(built.config(), StandardCharsets.UTF_8);
        assertThat(config).isEqualTo("{\"architecture\":\"\",\"created\":\"0001-01-01T00:00:00Z\",\"history\":[{\"created\":"
                + "\"0001-01-01T00:00:00Z\"}],\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + Digest.of(payload)
                + "\"]},\"config\":{}}");
        assertThat(new String(built.manifest(), StandardCharsets.UTF_8)).isEqualTo(
                "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":"
                        + "\"application/vnd.oci.image.config.v1+json\",\"size\":" + built.config().length + ",\"digest\":\""
                        + Digest.of(built.config()) + "\"},\"layers\":[{\"mediaType\":\"application/vnd.dev.cosign.simplesigning.v1+json\","
                        + "\"size\":" + payload.length + ",\"digest\":\"" + Digest.of(payload) + "\",\"annotations\":{"
                        + "\"dev.cosignproject.cosign/signature\":\"MAYCAQECAQI=\"}}]}");
        assertThat(SignatureManifest.tag(IMAGE)).isEqualTo("sha256-" + "ab".repeat(32) + ".sig");
        Descriptor d = built.descriptor();
        assertThat(d.digest()).isEqualTo(Digest.of(built.manifest()));
    }
}
