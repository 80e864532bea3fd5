package dev.osimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** build -o REF, push and pull from the command line against the real distribution registry. */
class RegistryCommandsTest {
    @TempDir
    Path tmp;

    @Test
    void buildPushesToARegistryAndPushAndPullAgreeOnTheDigest() throws Exception {
        Path registryBinary = Path.of("/usr/bin/docker-registry");
        if (!Files.isExecutable(registryBinary)) {
            throw new AssertionError("docker-registry is missing: install the Debian package docker-registry (see scripts/install-test-deps)");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path config = tmp.resolve("registry.yml");
        Files.writeString(config, "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: "
                + tmp.resolve("storage") + "\nhttp:\n  addr: 127.0.0.1:" + port + "\n");
        Process registry = new ProcessBuilder(registryBinary.toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("registry.log").toFile()).start();
        try {
            awaitReady(port);
            String host = "127.0.0.1:" + port;
            Path kernel = tmp.resolve("kernel.efi");
            Path system = tmp.resolve("system");
            TestKernel.write(kernel, 3, 1);
            byte[] systemBytes = new byte[3_000_000];
            new java.util.Random(5).nextBytes(systemBytes);
            Files.write(system, systemBytes);

            JsonNode built = json(run("build", "-q", "--json", "-o", host + "/os/cli:built", "-p", "kernel.efi=" + kernel,
                    "-p", "system=" + system, "--compression", "zstd"));
            assertThat(built.path("image").asText()).isEqualTo(host + "/os/cli:built");
            String digest = built.path("digest").asText();

            Path pulled = tmp.resolve("pulled");
            JsonNode pull = json(run("pull", "-q", "--json", host + "/os/cli:built", pulled.toString()));
            assertThat(pull.path("digest").asText()).isEqualTo(digest);
            assertThat(run("verify", "-q", pulled.toString())).isEqualTo(digest + "\n");

            JsonNode push = json(run("push", "-q", "--json", "--jobs", "1", pulled.toString(), "docker://" + host + "/os/cli-again:v1"));
            assertThat(push.path("digest").asText()).isEqualTo(digest);
            assertThat(run("inspect", host + "/os/cli-again:v1@" + digest)).contains("Manifest:  " + digest);

            for (String tag : new String[] {"v2", "v3", "v4"}) {
                run("copy", "-q", host + "/os/cli-again:v1", host + "/os/cli-again:" + tag);
            }
            assertThat(run("tags", host + "/os/cli-again").lines()).containsExactlyInAnyOrder("v1", "v2", "v3", "v4");
            try (var client = new dev.osimg.registry.RegistryClient(dev.osimg.registry.RegistryOptions.defaults())) {
                // Two per page: the registry's Link headers lead through all four.
                assertThat(client.repository(host, "os/cli-again").tags(2)).containsExactlyInAnyOrder("v1", "v2", "v3", "v4");
            }
            JsonNode tags = json(run("tags", "--json", host + "/os/cli-again"));
            assertThat(tags.path("schema_version").asInt()).isEqualTo(1);
            assertThat(tags.path("tags")).hasSize(4);
            // This registry keeps deletes off (the distribution registry's default).
            CliRunner.Result refused = CliRunner.inProcess("delete", host + "/os/cli-again:v2");
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err().strip()).isEqualTo("osimg: error: deleting manifest " + digest + " from " + host
                    + "/os/cli-again: registry " + host
                    + " does not allow deleting manifests (405); a distribution registry needs storage.delete.enabled");
            assertThat(run("tags", host + "/os/cli-again").lines()).hasSize(4);
        } finally {
            registry.destroy();
            registry.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static void awaitReady(int port) throws Exception {
        for (int i = 0; i < 200; i++) {
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/v2/").toURL().openConnection();
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // Not listening yet.
            }
            Thread.sleep(50);
        }
        throw new AssertionError("docker-registry did not start on port " + port);
    }

    private static JsonNode json(String text) throws Exception {
        return JsonMapper.builder().build().readTree(text);
    }

    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Main.run(args);
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        assertThat(code).as("osimg %s: %s", String.join(" ", args), err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }
}
