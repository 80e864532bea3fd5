package dev.osimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.osimg.registry.DistributionRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What push, pull and copy show while they work, against the real distribution registry: blobs the destination has are
 * reported as skipped (in progress lines, bars and JSON), nothing reads "done" when the command then fails, and on a
 * real 80-column terminal the bars fit, leave no blank line and show no unknown values.
 */
class TransferProgressTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    static Path dir;

    private static DistributionRegistry registry;
    private static Path layout;

    @BeforeAll
    static void buildImage() throws Exception {
        registry = DistributionRegistry.start(dir.resolve("reg"), null);
        Path kernel = TestKernel.write(dir.resolve("kernel.efi"), 3, 1);
        byte[] system = new byte[2_000_000];
        new Random(7).nextBytes(system);
        Files.write(dir.resolve("system"), system);
        layout = dir.resolve("img");
        CliRunner.Result built = CliRunner.inProcess("build", "-q", "--out", layout.toString(), "--payload", "kernel.efi=" + kernel,
                "--payload", "system=" + dir.resolve("system"), "--compression", "none", "--tag", "v1");
        assertThat(built.exitCode()).as(built.err()).isZero();
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        registry.close();
    }

    @Test
    void blobsTheDestinationHasAreReportedSkippedInProgressAndJson() throws Exception {
        String ref = registry.host() + "/os/progress:v1";
        CliRunner.Result first = CliRunner.run("push", layout.toString(), ref);
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.err()).doesNotContain("skipped").contains(": done, ");

        CliRunner.Result again = CliRunner.run("push", layout.toString(), registry.host() + "/os/progress:v2");
        assertThat(again.exitCode()).as(again.err()).isZero();
        List<String> skipped = again.err().lines().filter(l -> l.endsWith("skipped: exists")).toList();
        assertThat(skipped).hasSize(3).allMatch(l -> l.matches(".*: blob sha256:[0-9a-f]{64} \\([0-9.]+ [KM]?i?B\\) skipped: exists"));
        assertThat(again.out()).contains("3 blobs (3 skipped: the destination had them)");

        JsonNode json = JSON.readTree(CliRunner.inProcess("push", "--json", layout.toString(), registry.host() + "/os/progress:v3").out());
        assertThat(json.path("blobs").asInt()).isEqualTo(3);
        assertThat(json.path("skipped_blobs")).hasSize(3);
        assertThat(json.path("skipped_blobs").get(0).path("reason").asText()).isEqualTo("exists");
        assertThat(json.path("skipped_blobs").get(0).path("digest").asText()).startsWith("sha256:");

        // A build pushed where its payloads are already: those are skipped too.
        JsonNode build = JSON.readTree(CliRunner.inProcess("build", "--json", "--out", registry.host() + "/os/progress:built",
                "--payload", "kernel.efi=" + dir.resolve("kernel.efi"), "--payload", "system=" + dir.resolve("system"),
                "--compression", "none").out());
        assertThat(build.path("skipped_blobs").findValuesAsText("digest")).contains(build.path("payloads").get(1).path("digest").asText());

        // Another repository of the same registry: the blobs are mounted, not sent.
        JsonNode copy = JSON.readTree(CliRunner.inProcess("copy", "--json", ref, registry.host() + "/os/elsewhere:v1").out());
        assertThat(copy.path("skipped_blobs")).hasSize(3);
        assertThat(copy.path("skipped_blobs").get(0).path("reason").asText()).isEqualTo("mounted");

        // Into a layout that holds them already.
        Path pulled = dir.resolve("pulled");
        assertThat(CliRunner.inProcess("pull", "-q", ref, pulled.toString()).exitCode()).isZero();
        JsonNode pullAgain = JSON.readTree(CliRunner.inProcess("pull", "--json", ref, pulled.toString()).out());
        assertThat(pullAgain.path("skipped_blobs")).hasSize(3);
        JsonNode fresh = JSON.readTree(CliRunner.inProcess("pull", "--json", ref, dir.resolve("fresh").toString()).out());
        assertThat(fresh.path("skipped_blobs")).isEmpty();
    }

    @Test
    void aBlobWhoseDigestDoesNotMatchIsNeverReportedDone() throws Exception {
        Path damaged = dir.resolve("damaged");
        copyTree(layout, damaged);
        Path biggest = null;
        try (var blobs = Files.list(damaged.resolve("blobs/sha256"))) {
            for (Path blob : blobs.toList()) {
                if (biggest == null || Files.size(blob) > Files.size(biggest)) {
                    biggest = blob;
                }
            }
        }
        byte[] bytes = Files.readAllBytes(biggest);
        bytes[bytes.length / 2] ^= 1;
        Files.write(biggest, bytes);

        CliRunner.Result push = CliRunner.run("push", "--retry-times", "0", damaged.toString(), registry.host() + "/os/damaged:v1");
        assertThat(push.exitCode()).as(push.err()).isNotZero();
        assertThat(push.err()).contains("osimg: error: ").doesNotContain("done").doesNotContain("100%");
    }

    @Test
    void aManifestRefusedAfterTheBlobsWentUpLeavesNothingReadingDone() throws Exception {
        try (RefusingProxy proxy = new RefusingProxy(registry.host())) {
            CliRunner.Result push = CliRunner.run("push", layout.toString(), proxy.host() + "/os/refused:v1");
            assertThat(push.exitCode()).as(push.err()).isEqualTo(ExitCodes.FAILURE);
            assertThat(proxy.refusedManifests()).isEqualTo(1);
            assertThat(push.err()).contains("push oci:").contains("osimg: error: ").contains("manifest refused by the test proxy")
                    .doesNotContain("done").doesNotContain("100%");
            assertThat(push.out()).isEmpty();
        }
    }

    @Test
    void barsOnAnEightyColumnTerminalFitAndLeaveNoBlankLines() throws Exception {
        String ref = registry.host() + "/os/terminal:v1";
        String first = onTerminal("push", layout.toString(), ref);
        String second = onTerminal("push", layout.toString(), registry.host() + "/os/terminal:v2");
        String pull = onTerminal("pull", ref, dir.resolve("terminal-pull").toString());
        for (String screen : List.of(first, second, pull)) {
            assertThat(screen).contains("Digest: sha256:").doesNotContain("?MiB/s").doesNotContain("0/?").doesNotContain("?");
            // What the terminal keeps: each \r starts the line over, so a blank line is an empty last segment; the segments
                // before it are redrawn bars, the last one the text that stays.
            for (String line : screen.split("\r?\n")) {
                String[] redraws = line.split("\r", -1);
                String shown = redraws[redraws.length - 1];
                assertThat(shown.strip()).as("a blank line in:\n%s", screen).isNotEmpty();
                for (int i = 0; i < redraws.length - 1; i++) {
                    assertThat(redraws[i].length()).as("a bar wider than the terminal: %s", redraws[i]).isLessThan(80);
                }
            }
        }
        assertThat(first).contains("push ").contains("%").doesNotContain("skipped");
        assertThat(pull).contains("pull ").doesNotContain("copy ");
        assertThat(second.lines().filter(l -> l.contains("skipped: exists")).count()).isEqualTo(3);
        assertThat(second).containsPattern("blob sha256:[0-9a-f]{12} \\([0-9.]+ [KM]?i?B\\): skipped: exists");
    }

    @Test
    void progressFollowsWhereStderrGoesNotStdout() throws Exception {
        // On a terminal with stderr sent to a file (2>log): plain progress lines in the file, no bar anywhere.
        Path log = dir.resolve("push.log");
        String screen = onTerminal(null, log, "push", layout.toString(), registry.host() + "/os/stderr-log:v1");
        String logged = Files.readString(log);
        assertThat(logged).contains("push oci:").contains(": done, ").doesNotContain("\r").doesNotContain("[");
        assertThat(screen).contains("Digest: sha256:").doesNotContain("%");
        // And stdout redirected while stderr stays on the terminal (osimg push ... > out): bars on the terminal.
        Path out = dir.resolve("push.out");
        String bars = onTerminal(out, null, "push", layout.toString(), registry.host() + "/os/stdout-file:v1");
        assertThat(bars).contains("\r").contains("%");
        assertThat(Files.readString(out)).contains("Digest: sha256:");
    }

    /** Runs osimg on a pseudo-terminal of 80 columns (python3's pty module) and returns what it wrote there. */
    private static String onTerminal(String... args) throws Exception {
        return onTerminal(null, null, args);
    }

    /** The same, with stdout or stderr sent to a file instead of the terminal where it is not null. */
    private static String onTerminal(Path stdout, Path stderr, String... args) throws Exception {
        String driver = """
                import fcntl, os, pty, struct, sys, termios
                pid, fd = pty.fork()
                if pid == 0:
                    for name, fd in (('OSIMG_TEST_STDOUT', 1), ('OSIMG_TEST_STDERR', 2)):
                        if os.environ.get(name):
                            os.dup2(os.open(os.environ[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), fd)
                    os.execvp(sys.argv[1], sys.argv[1:])
                fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 80, 0, 0))
                out = b''
                while True:
                    try:
                        data = os.read(fd, 65536)
                    except OSError:
                        break
                    if not data:
                        break
                    out += data
                _, status = os.waitpid(pid, 0)
                sys.stdout.buffer.write(out)
                sys.exit(os.waitstatus_to_exitcode(status))
                """;
        List<String> command = new ArrayList<>(List.of("python3", "-c", driver));
        command.addAll(CliRunner.command(List.of(), args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(Map.of("COLUMNS", "80", "LINES", "24", "TERM", "xterm"));
        if (stdout != null) {
            builder.environment().put("OSIMG_TEST_STDOUT", stdout.toString());
        }
        if (stderr != null) {
            builder.environment().put("OSIMG_TEST_STDERR", stderr.toString());
        }
        Process p = builder.start();
        p.getOutputStream().close();
        String screen = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(screen).isZero();
        return screen;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** An HTTP proxy in front of the registry that passes everything on but refuses to store a manifest. */
    private static final class RefusingProxy implements AutoCloseable {
        private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "content-length", "transfer-encoding",
                "expect", "upgrade", "keep-alive", "date");
        private final HttpServer server;
        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final String upstream;
        private int refused;

        RefusingProxy(String upstream) throws IOException {
            this.upstream = upstream;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
            server.createContext("/", this::handle);
            server.start();
        }

        String host() {
            return "127.0.0.1:" + server.getAddress().getPort();
        }

        synchronized int refusedManifests() {
            return refused;
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                String method = exchange.getRequestMethod();
                if (method.equals("PUT") && exchange.getRequestURI().getPath().contains("/manifests/")) {
                    synchronized (this) {
                        refused++;
                    }
                    byte[] body = "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"manifest refused by the test proxy\"}]}"
                            .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(400, body.length);
                    exchange.getResponseBody().write(body);
                    return;
                }
                byte[] requestBody;
                try (InputStream in = exchange.getRequestBody()) {
                    requestBody = in.readAllBytes();
                }
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + upstream + exchange.getRequestURI()))
                        .method(method, requestBody.length == 0 ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(requestBody));
                exchange.getRequestHeaders().forEach((name, values) -> {
                    if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                        values.forEach(v -> request.header(name, v));
                    }
                });
                HttpResponse<byte[]> answer;
                try {
                    answer = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
                answer.headers().map().forEach((name, values) -> {
                    if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
                        exchange.getResponseHeaders().put(name, values);
                    }
                });
                byte[] body = answer.body();
                boolean noBody = method.equals("HEAD") || answer.statusCode() == 204 || body.length == 0;
                exchange.sendResponseHeaders(answer.statusCode(), noBody ? -1 : body.length);
                if (!noBody) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            }
        }

        @Override
        public void close() {
            server.stop(0);
            client.close();
        }
    }
}
