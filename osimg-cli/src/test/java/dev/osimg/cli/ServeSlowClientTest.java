package dev.osimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osimg.osimage.BuildResult;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code osimg serve} drops a client that never finishes its request headers, and keeps serving the others. */
class ServeSlowClientTest {
    @TempDir
    Path tmp;

    @Test
    void dropsAClientThatNeverFinishesItsHeaders() throws Exception {
        BuildResult built = ServeCommandTest.buildImage(tmp.resolve("src"), 1 << 20);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--addr", "127.0.0.1:" + port, "--repo", "os/slow=" + built.layout()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).startsWith("Serving");
            try (Socket slow = new Socket(InetAddress.getLoopbackAddress(), port)) {
                slow.getOutputStream().write("GET /v2/ HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                slow.getOutputStream().flush();
                slow.setSoTimeout(30_000);
                long start = System.nanoTime();
                InputStream in = slow.getInputStream();
                int first = in.read();
                Duration waited = Duration.ofNanos(System.nanoTime() - start);
                assertThat(first).as("the server closes the connection without an answer").isEqualTo(-1);
                assertThat(waited).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(20));

                HttpURLConnection ping = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/v2/").toURL().openConnection();
                assertThat(ping.getResponseCode()).isEqualTo(200);
            }
        } finally {
            server.destroy();
            server.waitFor();
        }
    }
}
