package dev.osimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osimg.oci.Descriptor;
import dev.osimg.digest.Digest;
import dev.osimg.oci.ImageReference;
import dev.osimg.oci.OciLayout;
import dev.osimg.osimage.BuildResult;
import dev.osimg.osimage.Compression;
import dev.osimg.osimage.OsImageBuilder;
import dev.osimg.registry.RegistryClient;
import dev.osimg.registry.RegistryImage;
import dev.osimg.registry.RegistryOptions;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code osimg serve} in its own JVM with a 64 MiB heap: 64 concurrent pulls of a 256 MiB image
 * all verify and the server's memory stays bounded; skopeo and {@code osimg pull} read from it.
 */
class ServeCommandTest {
    private static final int PULLS = 64;
    private static final long SYSTEM_SIZE = 256L << 20;

    @TempDir
    Path tmp;

    @Test
    void servesSixtyFourConcurrentPullsOfA256MiBImageWithBoundedMemory() throws Exception {
        BuildResult built = buildImage(tmp.resolve("src"), SYSTEM_SIZE);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String host = "127.0.0.1:" + port;
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--addr", host, "--repo", "os/big=" + built.layout()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertThat(first).startsWith("Serving 1 repositories on http://127.0.0.1:" + port);
            ImageReference.Registry ref = (ImageReference.Registry) ImageReference.parse(host + "/os/big:v1");

            try (RegistryClient client = new RegistryClient(RegistryOptions.defaults().withDockerConfig(tmp.resolve("none.json")));
                    ExecutorService pool = Executors.newFixedThreadPool(PULLS)) {
                List<Future<Long>> pulls = new ArrayList<>();
                for (int i = 0; i < PULLS; i++) {
                    pulls.add(pool.submit(() -> pullAndVerify(client, ref, built.manifestDescriptor().digest())));
                }
                long total = 0;
                for (Future<Long> pull : pulls) {
                    total += pull.get(5, TimeUnit.MINUTES);
                }
                assertThat(total).isEqualTo(PULLS * (SYSTEM_SIZE + 4096 + built.manifest().config().size()));
            }
            assertThat(server.isAlive()).isTrue();
            long peakKib = peakResidentKib(server.pid());
            assertThat(peakKib).as("server peak RSS (KiB) after %d x 256 MiB", PULLS).isLessThan(400L * 1024);

            DistributionTools.skopeo("copy", "--src-tls-verify=false", "docker://" + host + "/os/big:v1", "oci:" + tmp.resolve("by-skopeo") + ":v1");
            assertThat(OciLayout.open(tmp.resolve("by-skopeo")).image("v1").manifestDigest()).isEqualTo(built.manifestDescriptor().digest());

            Path pulled = tmp.resolve("pulled");
            assertThat(run("pull", "-q", host + "/os/big:v1", pulled.toString())).contains(built.manifestDescriptor().digest().toString());
            assertThat(run("verify", "-q", pulled.toString())).isEqualTo(built.manifestDescriptor().digest() + "\n");
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void pullOfAMissingTagFailsNamingRepositoryAndTagAndLeavesNothing() throws Exception {
        BuildResult built = buildImage(tmp.resolve("src"), 1 << 20);
        try (var server = dev.osimg.serve.RegistryServer.start(new java.net.InetSocketAddress("127.0.0.1", 0),
                java.util.Map.of("os/small", built.layout()))) {
            String host = "127.0.0.1:" + server.address().getPort();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = runWithErr(err, "pull", "-q", host + "/os/small:v2", tmp.resolve("out").toString());
            assertThat(code).isEqualTo(ExitCodes.FAILURE);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("repository os/small").contains("no tag \"v2\"")
                    .contains("MANIFEST_UNKNOWN");
            assertThat(tmp.resolve("out")).doesNotExist();

            String pushed = run("copy", "-q", host + "/os/small:v1", "oci:" + tmp.resolve("copy") + ":v1");
            assertThat(pushed).contains(built.manifestDescriptor().digest().toString());
        }
    }

    private static long pullAndVerify(RegistryClient client, ImageReference.Registry ref, Digest expected) throws Exception {
        RegistryImage image = client.open(ref);
        assertThat(image.manifestDigest()).isEqualTo(expected);
        long bytes = 0;
        List<Descriptor> blobs = new ArrayList<>(image.manifest().layers());
        blobs.add(image.manifest().config());
        for (Descriptor d : blobs) {
            java.security.MessageDigest sha256 = Digest.newSha256();
            try (InputStream in = new java.security.DigestInputStream(image.blob(d).open(), sha256)) {
                bytes += in.transferTo(OutputStream.nullOutputStream());
            }
            assertThat(Digest.fromSha256(sha256.digest())).isEqualTo(d.digest());
        }
        return bytes;
    }

    private static long peakResidentKib(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no VmHWM for " + pid);
    }

    static BuildResult buildImage(Path dir, long systemSize) throws Exception {
        Files.createDirectories(dir);
        Path kernel = dir.resolve("kernel.efi");
        Path system = dir.resolve("system");
        writeRandom(kernel, 4096, 1);
        writeRandom(system, systemSize, 2);
        return new OsImageBuilder().payload("kernel.efi", kernel).payload("system", system)
                .compression(new Compression.None()).tag("v1").build(dir.resolve("layout"));
    }

    private static void writeRandom(Path file, long size, long seed) throws Exception {
        Random random = new Random(seed);
        byte[] buffer = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long done = 0; done < size; done += buffer.length) {
                random.nextBytes(buffer);
                out.write(buffer, 0, (int) Math.min(buffer.length, size - done));
            }
        }
    }

    private static String run(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream savedOut = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = runWithErr(err, args);
        } finally {
            System.setOut(savedOut);
        }
        assertThat(code).as("osimg %s: %s", String.join(" ", args), err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int runWithErr(ByteArrayOutputStream err, String... args) {
        PrintStream savedErr = System.err;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            return Main.run(args);
        } finally {
            System.setErr(savedErr);
        }
    }
}
