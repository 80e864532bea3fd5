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
import java.util.LinkedHashMap;
import java.util.Map;

/** What copy, push and pull share: open both ends, copy, report the pushed or pulled digest. */
final class CopyRunner {
    private CopyRunner() {
    }

    /**
     * Copies {@code source} to {@code destination}; {@code signatures} (may be null) checks the
     * source's signature before anything is written; the source's signatures follow the image
     * unless {@code skipSignatures}.
     */
    static int run(PrintWriter out, String source, String destination, RegistryOptionsMixin registry, SignatureOptionsMixin signatures,
            boolean skipSignatures, boolean json, boolean quiet) throws IOException {
        ImageReference from = ImageReference.parse(source);
        ImageReference to = ImageReference.parse(destination);
        long start = System.nanoTime();
        try (RegistryClient client = registry.client()) {
            OciImage image = Images.open(from, client);
            SignatureCheck.Outcome signature = signatures == null ? null : signatures.check(from, image, client);
            String sourceTag = from instanceof ImageReference.Registry r ? r.tag()
                    : from instanceof ImageReference.Layout l ? l.tag() : null;
            ImageCopy.Result result;
            try (ImageSink sink = Images.sink(to, client, image, sourceTag)) {
                result = new ImageCopy(registry.jobs, ConsoleProgress.forTransfer(quiet || json)).copy(image, sink);
            }
            int signaturesCopied = skipSignatures ? 0
                    : Signatures.copy(SignatureStores.of(from, client), SignatureStores.of(to, client), image.manifestDigest());
            long nanos = System.nanoTime() - start;
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("source", image.location());
                doc.put("destination", to.toString());
                doc.put("digest", result.manifest().digest().toString());
                doc.put("blobs", result.blobs().size());
                doc.put("bytes", result.bytes());
                doc.put("signatures_copied", signaturesCopied);
                if (signature != null) {
                    doc.put("signature", signature.describe());
                }
                doc.put("seconds", nanos / 1e9);
                JsonOutput.print(out, doc);
            } else {
                out.printf("Copied %s -> %s: %d blobs, %s in %s (%s)%n", image.location(), to, result.blobs().size(),
                        Sizes.bytes(result.bytes()), Sizes.seconds(nanos), Sizes.rate(result.bytes(), nanos));
                out.printf("Digest: %s%n", result.manifest().digest());
                if (signature != null) {
                    out.printf("Signature: %s%n", signature.describe());
                }
                if (!skipSignatures) {
                    out.printf("Signatures copied: %d%n", signaturesCopied);
                }
                out.flush();
            }
            return ExitCodes.OK;
        }
    }
}
