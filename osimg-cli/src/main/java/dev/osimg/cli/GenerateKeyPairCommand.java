package dev.osimg.cli;

import dev.osimg.sign.KeyFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code osimg generate-key-pair}: a new ECDSA P-256 signing key pair, as cosign makes them. */
@Command(name = "generate-key-pair", sortOptions = false,
        description = {"Generate a key pair for signing images.",
            "",
            "Writes an ECDSA P-256 key pair: PREFIX.key (PKCS#8 PEM, encrypted with the password; owner-only "
                    + "permissions) and PREFIX.pub (PKIX PEM, for 'osimg verify --key' and cosign). The password comes "
                    + "from OSIMG_PASSWORD, else it is asked on the terminal; empty means an unencrypted key. Existing "
                    + "files are never overwritten."})
final class GenerateKeyPairCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--output-key-prefix", paramLabel = "PREFIX", defaultValue = "osimg",
            description = "Write PREFIX.key and PREFIX.pub (default: ${DEFAULT-VALUE}).")
    String prefix;

    @CommandLine.Mixin
    OutputOptions output;

    @Override
    public Integer call() throws IOException {
        char[] password = Passwords.forNewKey();
        KeyFiles.KeyPairFiles files;
        try {
            files = KeyFiles.writeNew(Path.of(prefix), password);
        } finally {
            Arrays.fill(password, '\0');
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("private_key", files.privateKey().toString());
            doc.put("public_key", files.publicKey().toString());
            doc.put("encrypted", password.length > 0);
            JsonOutput.print(out, doc);
        } else if (output.quiet) {
            out.println(files.publicKey());
        } else {
            out.printf("Private key written to %s (%s)%n", files.privateKey(), password.length == 0 ? "unencrypted" : "encrypted");
            out.printf("Public key written to %s%n", files.publicKey());
        }
        out.flush();
        return ExitCodes.OK;
    }
}
