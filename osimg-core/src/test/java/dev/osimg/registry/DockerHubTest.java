package dev.osimg.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osimg.oci.ImageReference;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DockerHubTest {
    private static RegistryRepository repositoryOf(RegistryClient client, String reference) throws Exception {
        ImageReference.Registry r = (ImageReference.Registry) ImageReference.parse(reference);
        return client.repository(r.host(), r.repository());
    }

    @Test
    void mapsDockerIoToItsApiHostAndOfficialImagesToLibrary() throws Exception {
        try (RegistryClient client = new RegistryClient(RegistryOptions.defaults().withDockerConfig(Path.of("/nonexistent.json")))) {
            RegistryRepository alpine = repositoryOf(client, "docker.io/alpine:3");
            assertThat(alpine.host()).isEqualTo("registry-1.docker.io");
            assertThat(alpine.name()).isEqualTo("library/alpine");
            assertThat(alpine.uri("manifests/3").toString()).isEqualTo("https://registry-1.docker.io/v2/library/alpine/manifests/3");
            RegistryRepository user = repositoryOf(client, "docker://index.docker.io/someone/os:1");
            assertThat(user.host()).isEqualTo("registry-1.docker.io");
            assertThat(user.name()).isEqualTo("someone/os");
            RegistryRepository other = repositoryOf(client, "registry.example:5000/alpine:3");
            assertThat(other.host()).isEqualTo("registry.example:5000");
            assertThat(other.name()).isEqualTo("alpine");
        }
    }
}
