package dev.osimg.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigTest {
    @TempDir
    Path tmp;

    private DockerConfig config(String json) throws Exception {
        Path file = tmp.resolve("config.json");
        Files.writeString(file, json);
        return DockerConfig.read(file);
    }

    @Test
    void readsAuthsByHostOrUrlKeyAndNamesTheSource() throws Exception {
        String auth = Base64.getEncoder().encodeToString("ci:pa:ss".getBytes(StandardCharsets.UTF_8));
        DockerConfig c = config("{\"auths\": {\"https://reg.example:5000/v1/\": {\"auth\": \"" + auth + "\"},"
                + "\"other.example\": {\"username\": \"u\", \"password\": \"p\"},"
                + "\"https://index.docker.io/v1/\": {\"auth\": \"" + auth + "\"}}}");
        ResolvedCredential r = c.lookup("reg.example:5000").orElseThrow();
        assertThat(r.credential()).isEqualTo(new Credential("ci", "pa:ss"));
        assertThat(r.source()).contains("config.json").contains("https://reg.example:5000/v1/");
        assertThat(c.lookup("other.example").orElseThrow().credential()).isEqualTo(new Credential("u", "p"));
        assertThat(c.lookup("registry-1.docker.io")).isPresent();
        assertThat(c.lookup("reg.example")).isEmpty();
    }

    @Test
    void missingFileIsEmptyAndMalformedFileIsAnError() throws Exception {
        assertThat(DockerConfig.read(tmp.resolve("absent.json")).lookup("x.example")).isEmpty();
        assertThatThrownBy(() -> config("{not json")).hasMessageContaining("is not a valid Docker config: not valid JSON at line 1");
        assertThatThrownBy(() -> config("{\"auths\": {\"x.example\": {\"auth\": \"%%%\"}}}").lookup("x.example"))
                .hasMessageContaining("not base64");
    }

    @Test
    void credentialHelperThatCannotRunIsAClearError() throws Exception {
        DockerConfig c = config("{\"credHelpers\": {\"ecr.example\": \"osimg-test-absent\"}}");
        assertThatThrownBy(() -> c.lookup("ecr.example"))
                .hasMessageContaining("docker-credential-osimg-test-absent")
                .hasMessageContaining("Docker config");
        assertThatThrownBy(() -> new CredentialHelper("../evil")).isInstanceOf(IllegalArgumentException.class);
    }
}
