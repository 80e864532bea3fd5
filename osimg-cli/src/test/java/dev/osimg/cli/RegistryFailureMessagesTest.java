package dev.osimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a person sees when a registry cannot be reached or a reference is wrong: one line, the right exit code, no Java. */
class RegistryFailureMessagesTest {
    @TempDir
    Path tmp;

    private static String deadHost() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + s.getLocalPort();
        }
    }

    @Test
    void aRefusedConnectionFailsAtOnceAndRetriesAreShownWhenAsked() throws Exception {
        String dead = deadHost();
        CliRunner.Result once = CliRunner.run("pull", dead + "/os/x:1", tmp.resolve("a").toString());
        assertThat(once.exitCode()).isEqualTo(1);
        assertThat(once.err()).contains("connection refused").contains("--retry-times").doesNotContain("retrying")
                .doesNotContain("Exception");

        CliRunner.Result retried = CliRunner.run("pull", "--retry-times", "2", dead + "/os/x:1", tmp.resolve("b").toString());
        assertThat(retried.exitCode()).isEqualTo(1);
        assertThat(retried.err()).containsPattern("osimg: retrying 1/2 in [0-9]+ ms: connection refused \\(fetching manifest")
                .containsPattern("osimg: retrying 2/2 in [0-9]+ (ms|s): connection refused")
                .contains("gave up after 3 attempts");
    }

    @Test
    void aDeadMirrorIsReportedAsSkipped() throws Exception {
        String dead = deadHost();
        String origin = deadHost();
        CliRunner.Result result = CliRunner.run("inspect", "--mirror", dead, origin + "/os/x:1");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("osimg: mirror " + dead + " skipped: ").contains("also tried mirror " + dead);
    }

    @Test
    void badPortsAndDigestsInReferencesAreUsageErrors() throws Exception {
        CliRunner.Result port = CliRunner.run("inspect", "127.0.0.1:99999/os/x:1");
        assertThat(port.exitCode()).isEqualTo(2);
        assertThat(port.err()).contains("port \"99999\"").contains("1 to 65535").doesNotContain("out of range");

        CliRunner.Result mirror = CliRunner.run("inspect", "--mirror", "m.example:99999", "127.0.0.1:5000/os/x:1");
        assertThat(mirror.exitCode()).isEqualTo(2);
        assertThat(mirror.err()).contains("port \"99999\"");

        CliRunner.Result digest = CliRunner.run("inspect", "127.0.0.1:5000/os/x@sha256:1234");
        assertThat(digest.exitCode()).isEqualTo(2);
        assertThat(digest.err()).contains("sha256:1234");
    }
}
