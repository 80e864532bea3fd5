package dev.osimg.cli;

import dev.osimg.registry.Credential;
import dev.osimg.registry.RegistryClient;
import dev.osimg.registry.RegistryListener;
import dev.osimg.registry.AuthFile;
import dev.osimg.registry.RegistryOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The registry options shared by every command that takes IMAGE arguments. */
final class RegistryOptionsMixin {
    @Option(names = "--plain-http", description = "Use plain HTTP for every registry (loopback registries always use it).")
    boolean plainHttp;

    @Option(names = "--ca-cert", paramLabel = "FILE", description = "Also trust the CA certificates of this PEM file.")
    Path caCert;

    @Option(names = "--username", paramLabel = "USER", description = "Registry user; the password is read from stdin (--password-stdin).")
    String username;

    @Option(names = "--password-stdin", description = "Read the registry password (or token) from the first line of stdin.")
    boolean passwordStdin;

    @Option(names = "--authfile", paramLabel = "FILE",
            description = "Read registry logins from FILE, in the format of Docker's config file or podman's auth "
                    + "file (default: $REGISTRY_AUTH_FILE, else Docker's config file).")
    Path authFile;

    @Option(names = "--mirror", paramLabel = "HOST[:PORT]",
            description = "A pull-through mirror tried before the named registry. Repeatable, tried in order.")
    List<String> mirrors;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "4", description = "Blobs transferred at once (default: ${DEFAULT-VALUE}).")
    // Also set here: commands that leave --jobs out (UnusedRegistryOptions) never apply its default.
    int jobs = 4;

    @Option(names = "--retry-times", paramLabel = "N",
            description = "Retry failed registry requests N times, connections that cannot be made included "
                    + "(default: 5 retries of error answers and broken connections; a refused connection or unknown host fails at once).")
    Integer retryTimes;

    @Option(names = {"-v", "--verbose"},
            description = "Print each HTTP request on stderr: method, URL, status, time and retry, credentials hidden.")
    boolean verbose;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** A client with these options; credentials from the Docker config unless given here. */
    RegistryClient client() throws IOException {
        return new RegistryClient(options());
    }

    /** The file logins are read from and written to: --authfile, $REGISTRY_AUTH_FILE, else Docker's config file. */
    Path authFile() {
        return authFile != null ? authFile : AuthFile.defaultFile();
    }

    /** Retry and mirror lines always, each request too with {@code -v}. */
    private RegistryListener listener() {
        RegistryListener retries = new RetryLines(command.commandLine().getErr());
        return verbose ? new RequestLines(command.commandLine().getErr(), retries) : retries;
    }

    RegistryOptions options() throws IOException {
        if (jobs < 1) {
            throw new IllegalArgumentException("--jobs must be at least 1, got " + jobs);
        }
        if (caCert != null && !Files.isRegularFile(caCert)) {
            throw new IllegalArgumentException("--ca-cert " + caCert + ": no such file");
        }
        if (passwordStdin != (username != null)) {
            throw new IllegalArgumentException("--username and --password-stdin go together: give both or neither");
        }
        if (mirrors != null) {
            mirrors.forEach(m -> dev.osimg.oci.ImageReference.checkRegistryHost(m));
        }
        if (retryTimes != null && retryTimes < 0) {
            throw new IllegalArgumentException("--retry-times must not be negative, got " + retryTimes);
        }
        RegistryOptions options = RegistryOptions.defaults().withPlainHttp(plainHttp).withCaCert(caCert).withJobs(jobs)
                .withMirrors(mirrors == null ? List.of() : mirrors).withListener(listener());
        options = options.withDockerConfig(authFile());
        if (retryTimes != null) {
            options = options.withRetries(retryTimes, options.initialBackoff()).withConnectRetries(true);
        }
        if (username != null) {
            String password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException("--password-stdin: stdin held no password");
            }
            options = options.withCredential(new Credential(username, password));
        }
        return options;
    }
}
