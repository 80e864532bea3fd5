package dev.osimg.cli;

import dev.osimg.oci.ImageReference;
import dev.osimg.oci.OciImage;
import dev.osimg.registry.RegistryClient;
import dev.osimg.sign.ImageSigner;
import dev.osimg.sign.KeyFiles;
import dev.osimg.sign.SignatureLayer;
import dev.osimg.sign.SignatureManifest;
import dev.osimg.sign.SignatureStore;
import dev.osimg.sign.SignatureStores;
import dev.osimg.sign.SimpleSigningPayload;
import dev.osimg.transfer.Images;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code osimg sign}: signs an image's manifest digest as cosign does, appending to its signatures. */
@Command(name = "sign", sortOptions = false,
        description = {"Sign an image with a private key.",
            "",
            "Writes a cosign simple-signing payload naming the manifest digest, signed with ECDSA P-256, into the "
                    + "image's signature manifest (tag sha256-HEX.sig in the same registry repository or layout "
                    + "directory). Signatures already there are kept.",
            "",
            "Prints the signed digest."})
final class SignCommand implements Callable<Integer>, UnusedRegistryOptions {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = "--key", required = true, paramLabel = "KEY",
            description = "Private key: osimg's or openssl's PEM (encrypted or not) or cosign's key file."
                    + " Its password comes from OSIMG_PASSWORD or the terminal.")
    Path key;

    @Parameters(paramLabel = "IMAGE", description = "oci:DIR[:TAG], a layout directory, or HOST[:PORT]/REPO[:TAG][@sha256:HEX].")
    String image;

    @Option(names = {"-a", "--annotation"}, paramLabel = "KEY=VALUE", description = "Added to the payload's \"optional\" object. Repeatable.")
    Map<String, String> annotations = new TreeMap<>();

    @Option(names = "--identity", paramLabel = "REPO",
            description = "The payload's docker-reference (informational; default: HOST/REPO of a registry image, empty for a layout).")
    String identity;

    @CommandLine.Mixin
    RegistryOptionsMixin registry;

    @CommandLine.Mixin
    OutputOptions output;

    @Override
    public java.util.List<String> unusedRegistryOptions() {
        return NO_TRANSFERS;
    }

    @Override
    public Integer call() throws IOException {
        ImageReference reference = ImageReference.parse(image);
        // The key first: a wrong password fails before anything is fetched.
        PrivateKey privateKey = KeyFiles.readPrivateKey(key, Passwords.forExistingKey());
        try (RegistryClient client = registry.client()) {
            OciImage target = Images.open(reference, client);
            String dockerReference = identity != null ? identity
                    : reference instanceof ImageReference.Registry r ? r.host() + "/" + r.repository() : "";
            SimpleSigningPayload payload = new SimpleSigningPayload(dockerReference, target.manifestDigest(), new TreeMap<>(annotations));
            SignatureStore store = SignatureStores.of(reference, client);
            SignatureLayer layer = ImageSigner.sign(store, privateKey, payload);
            String tag = SignatureManifest.tag(target.manifestDigest());
            PrintWriter out = spec.commandLine().getOut();
            if (output.json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("image", target.location());
                doc.put("digest", target.manifestDigest().toString());
                doc.put("signature_tag", tag);
                doc.put("signatures", store.location());
                doc.put("payload_digest", layer.descriptor().digest().toString());
                doc.put("signature", layer.signature());
                JsonOutput.print(out, doc);
            } else if (output.quiet) {
                out.println(target.manifestDigest());
                out.flush();
            } else {
                out.printf("Signed %s (%s): signature in %s:%s%n", target.location(), target.manifestDigest(), store.location(), tag);
                out.flush();
            }
            return ExitCodes.OK;
        }
    }
}
