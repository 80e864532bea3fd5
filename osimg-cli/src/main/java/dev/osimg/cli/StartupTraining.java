package dev.osimg.cli;

import dev.osimg.serve.RegistryServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * The training run behind the CLI's ahead-of-time cache (JEP 483/515): runs the everyday commands once each on a
 * tiny image, in one JVM, so that the cache holds the classes, linked call sites and method profiles of every
 * command rather than of one. Started by the launcher and the release build, not by users:
 * {@code java -XX:AOTCacheOutput=osimg.aot -cp osimg-cli.jar dev.osimg.cli.StartupTraining WORKDIR}.
 */
public final class StartupTraining {
    private StartupTraining() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: StartupTraining WORKDIR (an empty directory, removed by the caller)");
            System.exit(2);
        }
        Path work = Path.of(args[0]);
        Path kernel = random(work.resolve("kernel.efi"), 64 << 10, 1);
        Path system = random(work.resolve("system"), 3 << 20, 2);
        String image = work.resolve("image").toString();
        String zstdImage = work.resolve("image-zstd").toString();
        PrintStream out = System.out;
        PrintStream err = System.err;
        int failures = 0;
        try {
            // The commands' own output is not the point of training; failures are counted and reported.
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            System.setErr(new PrintStream(OutputStream.nullOutputStream()));
            failures += run("--version");
            failures += run("--help");
            failures += run("build", "-q", "--any-payload", "--out", image, "--compression", "none", "--tag", "v1",
                    "--payload", "kernel.efi=" + kernel, "--payload", "system=" + system);
            failures += run("build", "-q", "--any-payload", "--out", zstdImage, "--tag", "v1",
                    "--payload", "kernel.efi=" + kernel, "--payload", "system=" + system);
            failures += run("inspect", "oci:" + image + ":v1");
            failures += run("inspect", "--json", zstdImage);
            failures += run("verify", "-q", image);
            failures += run("verify", "--json", zstdImage);
            failures += run("copy", "-q", "oci:" + image + ":v1", "oci:" + work.resolve("copied") + ":v1");
            failures += run("install", "-q", image, "--disk", work.resolve("a.img").toString(), "--unverified",
                    "--esp-size", "40", "--system-size", "8", "--data-size", "0");
            failures += run("install", "--json", zstdImage, "--disk", work.resolve("b.img").toString(),
                    "--esp-size", "40", "--system-size", "8", "--data-size", "0");
            try (RegistryServer server = RegistryServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    Map.of("train/os", Path.of(zstdImage)))) {
                String ref = "127.0.0.1:" + server.address().getPort() + "/train/os:v1";
                failures += run("inspect", ref);
                failures += run("pull", "-q", ref, work.resolve("pulled").toString());
            }
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        if (failures > 0) {
            System.err.println("start-up training: " + failures + " command(s) failed");
            System.exit(1);
        }
    }

    private static int run(String... args) {
        return Main.run(args) == 0 ? 0 : 1;
    }

    private static Path random(Path file, int size, long seed) throws IOException {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return Files.write(file, bytes);
    }
}
