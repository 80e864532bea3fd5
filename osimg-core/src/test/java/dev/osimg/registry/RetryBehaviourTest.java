package dev.osimg.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osimg.digest.Digest;
import dev.osimg.oci.ImageReference;
import dev.osimg.osimage.BuildResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one retry policy against the real distribution registry behind a fault-injecting proxy:
 * permanent errors end with their status and message, budgets do not multiply, waits are capped
 * and said, connections that cannot be made fail at once, dead mirrors cost one attempt.
 */
class RetryBehaviourTest {
    @TempDir
    static Path shared;
    static DistributionRegistry registry;
    static BuildResult built;
    static Digest systemBlob;

    @TempDir
    Path tmp;
    FaultProxy proxy;
    final List<String> heard = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void pushFixture() throws Exception {
        built = TestImages.build(shared.resolve("src"), 20_000, 3L << 20, 5);
        systemBlob = built.manifest().layers().get(1).digest();
        registry = DistributionRegistry.start(shared.resolve("reg"), null);
        DistributionInteropTest.copy("oci:" + built.layout() + ":v1", registry.host() + "/os/retry:v1", FaultInjectionTest.options());
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        registry.close();
    }

    @BeforeEach
    void startProxy() throws IOException {
        proxy = FaultProxy.start(registry.host());
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
    }

    RegistryOptions options() {
        return FaultInjectionTest.options().withListener(new RegistryListener() {
            @Override
            public void retrying(String what, int retry, int maxRetries, Duration delay, String reason, Duration requested) {
                heard.add("retry " + retry + "/" + maxRetries + ": " + reason + (requested == null ? "" : " asked " + requested));
            }

            @Override
            public void mirrorSkipped(String mirror, String reason) {
                heard.add("skipped " + mirror + ": " + reason);
            }
        });
    }

    private void pull(RegistryOptions options, String from) throws IOException {
        DistributionInteropTest.copy(from, tmp.resolve("pulled").toString(), options);
    }

    @Test
    void permanent503EndsWithTheStatusAndTheRegistryMessageAfterOneBudget() {
        proxy.failPathPart = "/manifests/";
        proxy.failStatus = 503;
        assertThatThrownBy(() -> pull(options(), proxy.host() + "/os/retry:v1"))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("503 Service Unavailable")
                .hasMessageContaining("UNAVAILABLE: try later")
                .hasMessageContaining("gave up after 4 attempts")
                .hasMessageNotContaining("stream is closed");
        assertThat(proxy.requests("GET", "/manifests/")).isEqualTo(4);
        assertThat(heard).containsExactly("retry 1/3: 503 Service Unavailable", "retry 2/3: 503 Service Unavailable",
                "retry 3/3: 503 Service Unavailable");
    }

    @Test
    void permanent500And429KeepTheirStatus() {
        proxy.failPathPart = "/manifests/";
        proxy.failStatus = 500;
        assertThatThrownBy(() -> pull(options().withRetries(1, Duration.ofMillis(10)), proxy.host() + "/os/retry:v1"))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("answered 500 Internal Server Error: UNAVAILABLE: try later")
                .satisfies(e -> assertThat(((RegistryException) e).status()).isEqualTo(500));
        proxy.failStatus = 429;
        assertThatThrownBy(() -> pull(options().withRetries(0, Duration.ofMillis(10)), proxy.host() + "/os/retry:v1"))
                .hasMessageContaining("answered 429 Too Many Requests");
    }

    @Test
    void aBrokenDownloadAndItsReopeningShareOneBudget() {
        proxy.targetBlob = systemBlob.toString();
        proxy.cutAfterBytes = 1 << 20;
        proxy.cutsLeft = 1;
        proxy.failPathPart = "/blobs/" + systemBlob;
        proxy.failStatus = 0;
        // The first GET is cut mid-blob; every later GET of that blob answers 503.
        Thread.ofVirtual().start(() -> {
            while (proxy.cutsLeft > 0) {
                Thread.onSpinWait();
            }
            proxy.failStatus = 503;
        });
        assertThatThrownBy(() -> pull(options(), proxy.host() + "/os/retry:v1"))
                .hasMessageContaining("503 Service Unavailable");
        assertThat(proxy.requests("GET", systemBlob.toString())).as("one budget of 3 retries for the blob").isLessThanOrEqualTo(4);
    }

    @Test
    void aRefusedConnectionFailsAtOnceUnlessRetriesAreAsked() throws Exception {
        String dead = "127.0.0.1:" + freePort();
        // The first attempt loads the HTTP classes; the one measured is the second.
        assertThatThrownBy(() -> pull(options(), dead + "/os/retry:v1")).isInstanceOf(RegistryException.class);
        long start = System.nanoTime();
        assertThatThrownBy(() -> pull(options(), dead + "/os/retry:v1"))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("connection refused")
                .hasMessageContaining("--retry-times");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(heard).isEmpty();

        assertThatThrownBy(() -> pull(options().withRetries(2, Duration.ofMillis(10)).withConnectRetries(true), dead + "/os/retry:v1"))
                .hasMessageContaining("connection refused")
                .hasMessageContaining("gave up after 3 attempts");
        assertThat(heard).hasSize(2).allSatisfy(line -> assertThat(line).contains("connection refused"));
    }

    @Test
    void aDeadMirrorIsSkippedOnceAndSaidSo() throws Exception {
        String dead = "127.0.0.1:" + freePort();
        RegistryOptions options = options().withMirrors(List.of(dead)).withConnectRetries(true);
        try (RegistryClient client = new RegistryClient(options)) {
            ImageReference.Registry ref = (ImageReference.Registry) ImageReference.parse(registry.host() + "/os/retry:v1");
            assertThat(client.open(ref).manifestDigest()).isEqualTo(built.manifestDescriptor().digest());
            assertThat(client.open(ref).manifestDigest()).isEqualTo(built.manifestDescriptor().digest());
        }
        assertThat(heard).as("no retries of the mirror, one notice").hasSize(1);
        assertThat(heard.getFirst()).startsWith("skipped " + dead + ": ").contains("connection refused");
    }

    @Test
    void aRedirectToAFileUrlIsTheRegistrysError() {
        proxy.failPathPart = "/manifests/";
        proxy.redirectTo = "file:///etc/passwd";
        assertThatThrownBy(() -> pull(options(), proxy.host() + "/os/retry:v1"))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("redirected to a file: URL")
                .hasMessageContaining("only http and https");
        proxy.redirectTo = "http://[::1";
        assertThatThrownBy(() -> pull(options(), proxy.host() + "/os/retry:v1"))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("not a URL");
    }

    @Test
    void anEmptyOrBrokenChallengeIsTheRegistrysError() {
        proxy.failPathPart = "/manifests/";
        for (String challenge : List.of("", "Bearer realm=", "Bearer realm=\"unterminated", ",,,")) {
            proxy.challenge = challenge;
            assertThatThrownBy(() -> pull(options(), proxy.host() + "/os/retry:v1"))
                    .as("challenge %s", challenge)
                    .isInstanceOf(RegistryException.class)
                    .hasMessageContaining(proxy.host())
                    .hasMessageNotContaining("IllegalArgument");
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
