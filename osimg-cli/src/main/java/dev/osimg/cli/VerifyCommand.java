package dev.osimg.cli;

import dev.osimg.blob.Progress;
import dev.osimg.digest.Sha256WarmUp;
import dev.osimg.osimage.OsImage;
import dev.osimg.registry.RegistryClient;
import dev.osimg.osimage.Payload;
import java.io.IOException;
import dev.osimg.oci.ImageReference;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code osimg verify}: every chunk of every payload against the config. */
@Command(name = "verify", sortOptions = false,
        description = {"Verify an OS image's digests and every payload chunk.",
            "",
            "Checks the manifest and config digests, then reads every payload (decompressed first when stored as "
                    + "zstd) and checks each chunk against the hash in the config. Stops at the first failure, naming "
                    + "the payload and the chunk (exit code 4).",
            "",
            "With --key (or --policy), the image must also carry a signature by the key for exactly this manifest digest."})
final class VerifyCommand implements Callable<Integer>, UnusedRegistryOptions {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @CommandLine.Mixin
    RegistryOptionsMixin registry;

    @Parameters(paramLabel = "IMAGE", description = "oci:DIR[:TAG], a layout directory, or HOST[:PORT]/REPO[:TAG][@sha256:HEX].")
    String image;

    @Option(names = "--key", paramLabel = "PUB",
            description = "Also check the image's signature with this public key (cosign's or osimg's .pub). Repeatable: any of the keys.")
    List<Path> keys;

    @Option(names = "--policy", paramLabel = "FILE", description = "Also check the signature as this trust policy file says.")
    Path policy;

    @CommandLine.Mixin
    OutputOptions output;

    @Override
    public java.util.List<String> unusedRegistryOptions() {
        return NO_TRANSFERS;
    }

    @Override
    public Integer call() throws IOException {
        try (RegistryClient client = registry.client()) {
            return run(client);
        }
    }

    private Integer run(RegistryClient client) throws IOException {
        long start = System.nanoTime();
        // While the manifest and config are read, so that the chunk hashers start at full speed.
        Sha256WarmUp.start();
        OsImage os = ImageArgument.open(image, client);
        PrintWriter out = spec.commandLine().getOut();
        SignatureCheck.Outcome signature = null;
        if ((keys != null && !keys.isEmpty()) || policy != null) {
            // The signature first: it is cheap, and a refused image is not worth reading.
            signature = SignatureCheck.run(ImageReference.parse(image), os.image(), client, keys, policy, false, null);
            if (!output.silent()) {
                out.printf("signature %s%n", signature.describe());
                out.flush();
            }
        }
        Progress progress = ConsoleProgress.forTerminal(output.silent());
        List<Map<String, Object>> results = new ArrayList<>();
        long total = 0;
        for (Payload payload : os.payloads()) {
            long payloadStart = System.nanoTime();
            progress.begin("verify " + payload.name(), payload.size());
            try {
                payload.verify(progress);
            } finally {
                progress.end();
            }
            long nanos = System.nanoTime() - payloadStart;
            total += payload.size();
            if (output.json) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("name", payload.name());
                r.put("size", payload.size());
                r.put("chunks", payload.info().chunkHashes().size());
                r.put("seconds", nanos / 1e9);
                results.add(r);
            } else if (!output.quiet) {
                out.printf("payload %-16s %7d chunks OK  %10s in %s (%s)%n", payload.name(), payload.info().chunkHashes().size(),
                        Sizes.bytes(payload.size()), Sizes.seconds(nanos), Sizes.rate(payload.size(), nanos));
                out.flush();
            }
        }
        long elapsed = System.nanoTime() - start;
        if (output.json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("image", os.image().location());
            doc.put("digest", os.image().manifestDigest().toString());
            doc.put("verified", true);
            if (signature != null) {
                doc.put("signature", signature.describe());
            }
            doc.put("payloads", results);
            doc.put("bytes", total);
            doc.put("seconds", elapsed / 1e9);
            doc.put("bytes_per_second", elapsed > 0 ? (long) (total / (elapsed / 1e9)) : 0);
            JsonOutput.print(out, doc);
        } else if (output.quiet) {
            out.println(os.image().manifestDigest());
            out.flush();
        } else {
            out.printf("Verified %s (%s): %s in %s (%s)%n", os.image().location(), os.image().manifestDigest(),
                    Sizes.bytes(total), Sizes.seconds(elapsed), Sizes.rate(total, elapsed));
            out.flush();
        }
        return ExitCodes.OK;
    }
}
