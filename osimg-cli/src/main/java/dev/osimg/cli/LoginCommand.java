package dev.osimg.cli;

import dev.osimg.oci.ImageReference;
import dev.osimg.registry.AuthFile;
import dev.osimg.registry.Credential;
import dev.osimg.registry.RegistryClient;
import dev.osimg.registry.RegistryOptions;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code osimg login}: checks a registry login and stores it where every osimg command (and docker) finds it. */
@Command(name = "login", sortOptions = false,
        description = {"Log in to a registry and store the login.",
            "",
            "Checks USER and the password with the registry first, then stores them in the auths map of the Docker "
                    + "config file (or --authfile FILE), where osimg, docker, skopeo and podman find them. The password "
                    + "comes from stdin with --password-stdin, or is asked on the terminal; never from the command line."})
final class LoginCommand implements Callable<Integer>, UnusedRegistryOptions {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Parameters(paramLabel = "HOST", description = "The registry, HOST[:PORT].")
    String host;

    @CommandLine.Mixin
    RegistryOptionsMixin registry;

    @CommandLine.Mixin
    OutputOptions output;

    @Override
    public java.util.List<String> unusedRegistryOptions() {
        return NEITHER;
    }

    @Override
    public Integer call() throws IOException {
        ImageReference.checkRegistryHost(host);
        RegistryOptions options = registry.options();
        if (options.credential() == null) {
            options = options.withCredential(askOnTerminal());
        }
        try (RegistryClient client = new RegistryClient(options)) {
            client.checkLogin(host);
        }
        Path file = registry.authFile();
        AuthFile.store(file, host, options.credential());
        PrintWriter out = spec.commandLine().getOut();
        if (output.json) {
            JsonOutput.print(out, java.util.Map.of("registry", host, "authfile", file.toString()));
        } else if (!output.quiet) {
            out.println("Login to " + host + " succeeded; stored in " + file);
            out.flush();
        }
        return ExitCodes.OK;
    }

    private Credential askOnTerminal() {
        Console console = System.console();
        if (console == null || !console.isTerminal()) {
            throw new IllegalArgumentException("no terminal to ask for the login on: give --username USER and the "
                    + "password on stdin with --password-stdin");
        }
        String user = console.readLine("Username for %s: ", host);
        char[] password = console.readPassword("Password: ");
        if (user == null || user.isBlank() || password == null || password.length == 0) {
            throw new IllegalArgumentException("login to " + host + ": an empty user name or password");
        }
        return new Credential(user.strip(), new String(password));
    }
}
