package dev.osimg.cli;

import dev.osimg.serve.RegistryServer;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code osimg serve}: a read-only registry over layout directories. */
@Command(name = "serve", sortOptions = false,
        description = {"Serve layout directories as a read-only OCI registry.",
            "",
            "Answers the distribution API v2 (manifests by tag and digest, blobs with Range and HEAD) for osimg, "
                    + "skopeo and other OCI clients, until stopped."})
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--addr", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:5000",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String addr;

    @Option(names = "--repo", required = true, paramLabel = "NAME=LAYOUT",
            description = "Serve the layout directory LAYOUT as repository NAME. Repeatable.")
    List<String> repos;

    @Override
    public Integer call() throws Exception {
        Map<String, Path> repositories = new LinkedHashMap<>();
        for (String r : repos) {
            int eq = r.indexOf('=');
            if (eq <= 0 || eq == r.length() - 1) {
                throw new IllegalArgumentException("--repo must be NAME=LAYOUT, got \"" + r + "\"");
            }
            repositories.put(r.substring(0, eq), Path.of(r.substring(eq + 1)));
        }
        int colon = addr.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--addr must be HOST:PORT, got \"" + addr + "\"");
        }
        String host = addr.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
            port = Integer.parseInt(addr.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--addr port must be a number, got \"" + addr.substring(colon + 1) + "\"");
        }
        RegistryServer server;
        try {
            server = RegistryServer.start(new InetSocketAddress(host, port), repositories);
        } catch (BindException e) {
            throw new BindException("--addr " + addr + ": the address is already in use (or not one of this machine's)");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        PrintWriter out = spec.commandLine().getOut();
        InetSocketAddress bound = server.address();
        out.printf("Serving %d repositories on http://%s:%d/v2/ (read-only): %s%n", repositories.size(),
                bound.getHostString(), bound.getPort(), String.join(", ", repositories.keySet()));
        out.flush();
        stopped.await();
        return ExitCodes.OK;
    }
}
