package dev.osimg.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osimg.blob.DigestMismatchException;
import dev.osimg.digest.Digest;
import dev.osimg.oci.OciLayout;
import dev.osimg.osimage.BuildResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pulls through a fault-injecting proxy in front of the real distribution registry. */
class FaultInjectionTest {
    private static final long SYSTEM_SIZE = 8L << 20;

    @TempDir
    static Path shared;
    static DistributionRegistry registry;
    static BuildResult built;
    static Digest systemBlob;

    @TempDir
    Path tmp;
    FaultProxy proxy;

    @BeforeAll
    static void pushFixture() throws Exception {
        built = TestImages.build(shared.resolve("src"), 50_000, SYSTEM_SIZE, 11);
        systemBlob = built.manifest().layers().get(1).digest();
        registry = DistributionRegistry.start(shared.resolve("reg"), null);
        DistributionInteropTest.copy("oci:" + built.layout() + ":v1", registry.host() + "/os/faults:v1", options());
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        registry.close();
    }

    @BeforeEach
    void startProxy() throws IOException {
        proxy = FaultProxy.start(registry.host());
        proxy.targetBlob = systemBlob.toString();
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
    }

    static RegistryOptions options() {
        return RegistryOptions.defaults().withDockerConfig(Path.of("/nonexistent/docker-config.json")).withRetries(3, Duration.ofMillis(50));
    }

    private Digest pullThroughProxy(Path dest) throws IOException {
        return DistributionInteropTest.copy(proxy.host() + "/os/faults:v1", dest.toString(), options());
    }

    private void assertNothingLeftIn(Path parent) throws IOException {
        try (Stream<Path> entries = Files.list(parent)) {
            assertThat(entries.toList()).as("no result and no temporary directory left").isEmpty();
        }
    }

    @Test
    void resumesWithRangeAfterConnectionCutMidBlob() throws Exception {
        proxy.cutAfterBytes = 3 << 20;
        proxy.cutsLeft = 1;
        Path dest = tmp.resolve("pulled");
        assertThat(pullThroughProxy(dest)).isEqualTo(built.manifestDescriptor().digest());
        assertThat(proxy.seen).anySatisfy(s -> {
            assertThat(s.path()).endsWith(systemBlob.toString());
            assertThat(s.range()).isEqualTo("bytes=" + (3 << 20) + "-");
        });
        DistributionInteropTest.verifyAllPayloads(dest);
    }

    @Test
    void waitsForRetryAfterOn503ThenSucceeds() throws Exception {
        proxy.manifest503Left = 1;
        long start = System.nanoTime();
        Path dest = tmp.resolve("pulled");
        assertThat(pullThroughProxy(dest)).isEqualTo(built.manifestDescriptor().digest());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(proxy.requests("GET", "/manifests/v1")).isEqualTo(2);
    }

    @Test
    void acceptsAServerThatIgnoresRange() throws Exception {
        proxy.cutAfterBytes = 5 << 20;
        proxy.cutsLeft = 1;
        proxy.ignoreRange = true;
        Path dest = tmp.resolve("pulled");
        assertThat(pullThroughProxy(dest)).isEqualTo(built.manifestDescriptor().digest());
        assertThat(proxy.requests("GET", systemBlob.toString())).isEqualTo(2);
        assertThat(OciLayout.open(dest).image(null).manifestDigest()).isEqualTo(built.manifestDescriptor().digest());
        DistributionInteropTest.verifyAllPayloads(dest);
    }

    @Test
    void stopsOnWrongContentRange() throws Exception {
        proxy.cutAfterBytes = 2 << 20;
        proxy.cutsLeft = 1;
        proxy.wrongContentRange = true;
        assertThatThrownBy(() -> pullThroughProxy(tmp.resolve("pulled")))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("Content-Range")
                .hasMessageContaining("resume at byte " + (2 << 20));
        assertNothingLeftIn(tmp);
    }

    @Test
    void flippedByteFailsVerificationWithoutRetryAndLeavesNoResult() throws Exception {
        proxy.flipByteAt = 1_234_567;
        assertThatThrownBy(() -> pullThroughProxy(tmp.resolve("pulled")))
                .isInstanceOf(DigestMismatchException.class)
                .hasMessageContaining(systemBlob.toString())
                .hasMessageContaining("failed verification");
        assertThat(proxy.requests("GET", systemBlob.toString())).as("a verification failure is not retried").isEqualTo(1);
        assertNothingLeftIn(tmp);
    }

    @Test
    void missingTagNamesRepositoryAndTag() throws Exception {
        assertThatThrownBy(() -> DistributionInteropTest.copy(proxy.host() + "/os/faults:no-such-tag", tmp.resolve("x").toString(), options()))
                .isInstanceOf(RegistryNotFoundException.class)
                .hasMessageContaining("repository os/faults")
                .hasMessageContaining("no tag \"no-such-tag\"");
        assertNothingLeftIn(tmp);
    }
}
