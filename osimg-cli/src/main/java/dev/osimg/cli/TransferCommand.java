package dev.osimg.cli;

import dev.osimg.oci.ImageReference;
import dev.osimg.oci.ImageSink;
import dev.osimg.oci.OciImage;
import dev.osimg.registry.RegistryClient;
import dev.osimg.sign.SignatureStores;
import dev.osimg.sign.Signatures;
import dev.osimg.transfer.ImageCopy;
import dev.osimg.transfer.Images;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The one body of copy, push and pull: open both ends, copy, report the digest; subclasses name the ends. */
abstract class TransferCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @CommandLine.Mixin
    RegistryOptionsMixin registry;

    @CommandLine.Mixin
    OutputOptions output;

    @Option(names = "--digestfile", paramLabel = "FILE", description = "Also write the manifest digest to FILE.")
    Path digestFile;

    @Option(names = "--skip-signatures", description = "Leave the image's signatures behind (by default they are copied along).")
    boolean skipSignatures;

    /** The image to read, as the user would write it on the copy command line. */
    abstract String source();

    /** Where to write it, likewise. */
    abstract String destination();

    /** The signature the source must carry before anything is written, or null to copy without checking. */
    SignatureOptionsMixin signatureCheck() {
        return null;
    }

    @Override
    public Integer call() throws IOException {
        ImageReference from = ImageReference.parse(source());
        ImageReference to = ImageReference.parse(destination());
        DigestFile.check(digestFile);
        long start = System.nanoTime();
        try (RegistryClient client = registry.client()) {
            OciImage image = Images.open(from, client);
            SignatureOptionsMixin signatures = signatureCheck();
            SignatureCheck.Outcome signature = signatures == null ? null : signatures.check(from, image, client);
            String sourceTag = from instanceof ImageReference.Registry r ? r.tag()
                    : from instanceof ImageReference.Layout l ? l.tag() : null;
            ImageCopy.Result result;
            CommandProgress progress = ConsoleProgress.forTransfer(output.silent());
            try (ImageSink sink = Images.sink(to, client, image, sourceTag)) {
                result = new ImageCopy(registry.jobs, progress, spec.name()).copy(image, sink);
            }
            int signaturesCopied = skipSignatures ? 0
                    : Signatures.copy(SignatureStores.of(from, client), SignatureStores.of(to, client), image.manifestDigest());
            long nanos = System.nanoTime() - start;
            String digest = result.manifest().digest().toString();
            DigestFile.write(digestFile, digest);
            progress.succeeded();
            PrintWriter out = spec.commandLine().getOut();
            if (output.json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("source", image.location());
                doc.put("destination", to.toString());
                doc.put("digest", digest);
                doc.put("blobs", result.blobs().size());
                doc.put("skipped_blobs", skippedJson(result));
                doc.put("size", result.bytes());
                doc.put("signatures_copied", signaturesCopied);
                if (signature != null) {
                    doc.put("signature", signature.describe());
                }
                doc.put("seconds", nanos / 1e9);
                JsonOutput.print(out, doc);
            } else if (output.quiet) {
                out.println(digest);
            } else {
                out.printf("Copied %s -> %s: %d blobs%s, %s in %s (%s)%n", image.location(), to, result.blobs().size(),
                        result.skipped().isEmpty() ? "" : " (" + result.skipped().size() + " skipped: the destination had them)",
                        Sizes.bytes(result.bytes()), Sizes.seconds(nanos), Sizes.rate(result.bytes(), nanos));
                out.printf("Digest: %s%n", digest);
                if (signature != null) {
                    out.printf("Signature: %s%n", signature.describe());
                }
                if (!skipSignatures) {
                    out.printf("Signatures copied: %d%n", signaturesCopied);
                }
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** The blobs the destination had, each with its {@code digest}, {@code size} and {@code reason} (exists, mounted). */
    static List<Map<String, Object>> skippedJson(ImageCopy.Result result) {
        List<Map<String, Object>> skipped = new ArrayList<>();
        for (ImageCopy.Skipped s : result.skipped()) {
            Map<String, Object> blob = new LinkedHashMap<>();
            blob.put("digest", s.blob().digest().toString());
            blob.put("size", s.blob().size());
            blob.put("reason", s.outcome().reason());
            skipped.add(blob);
        }
        return skipped;
    }

    /** A plain path is always a layout directory here, even one that looks like HOST/REPO. */
    static String layout(String text) {
        return text.startsWith("oci:") ? text : "oci:" + text;
    }
}
