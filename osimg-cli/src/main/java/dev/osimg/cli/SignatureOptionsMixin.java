package dev.osimg.cli;

import dev.osimg.oci.ImageReference;
import dev.osimg.oci.OciImage;
import dev.osimg.registry.RegistryClient;
import dev.osimg.sign.TrustPolicy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The signature options of commands that write an image somewhere (install, pull): checked before the first byte. */
final class SignatureOptionsMixin {
    @Option(names = "--verify-key", paramLabel = "PUB",
            description = "Refuse the image unless it is signed by this public key. Repeatable: any of the keys.")
    List<Path> verifyKeys;

    @Option(names = "--policy", paramLabel = "FILE",
            description = "Trust policy file (default: " + TrustPolicy.DEFAULT_LOCATION + " when it exists; see docs/signing.md).")
    Path policy;

    @Option(names = "--insecure-no-signature", description = "Do not check signatures, whatever the policy says.")
    boolean insecureNoSignature;

    /** Checks the image's signature as these options and the policy say; throws when it must be refused. */
    SignatureCheck.Outcome check(ImageReference reference, OciImage image, RegistryClient client) throws IOException {
        return SignatureCheck.run(reference, image, client, verifyKeys, policy, insecureNoSignature, Path.of(TrustPolicy.DEFAULT_LOCATION));
    }
}
