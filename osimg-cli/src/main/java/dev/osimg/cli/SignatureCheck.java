package dev.osimg.cli;

import dev.osimg.oci.ImageReference;
import dev.osimg.oci.OciImage;
import dev.osimg.registry.RegistryClient;
import dev.osimg.sign.SignatureStores;
import dev.osimg.sign.SignatureVerifier;
import dev.osimg.sign.TrustPolicy;
import dev.osimg.sign.VerificationKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides which keys an image must be signed with (the command line, else the policy file) and
 * checks the signature; commands call it after resolving the manifest and before writing anything.
 */
final class SignatureCheck {
    private SignatureCheck() {
    }

    /** What was checked: the signature that passed, or null when no check applied. */
    record Outcome(SignatureVerifier.Verified verified, String skippedBecause) {
        String describe() {
            return verified != null ? "signed by " + verified.key().name() + " (" + verified.where() + ")" : skippedBecause;
        }
    }

    /**
     * Checks {@code image}: with {@code keys} when given; else, unless {@code insecure}, with the
     * rule of the policy file ({@code policy}, or {@code defaultPolicy} when given and present).
     */
    static Outcome run(ImageReference reference, OciImage image, RegistryClient client, List<Path> keys, Path policy,
            boolean insecure, Path defaultPolicy) throws IOException {
        boolean haveKeys = keys != null && !keys.isEmpty();
        if (insecure && (haveKeys || policy != null)) {
            throw new IllegalArgumentException("--insecure-no-signature cannot go with --verify-key or --policy: choose one");
        }
        if (insecure) {
            return new Outcome(null, "signature not checked (--insecure-no-signature)");
        }
        List<Path> required = new ArrayList<>();
        if (haveKeys) {
            required.addAll(keys);
        } else {
            Path policyFile = policy != null ? policy : defaultPolicy != null && Files.exists(defaultPolicy) ? defaultPolicy : null;
            if (policyFile == null) {
                return new Outcome(null, "signature not checked (no key given and no policy file)");
            }
            TrustPolicy.Requirement rule = TrustPolicy.read(policyFile).requirementFor(reference);
            if (rule.insecureNoSignature()) {
                return new Outcome(null, "signature not checked (policy " + policyFile + ", rule " + rule.rule() + ")");
            }
            required.addAll(rule.keys());
        }
        List<VerificationKey> verificationKeys = new ArrayList<>();
        for (Path key : required) {
            verificationKeys.add(VerificationKey.read(key));
        }
        return new Outcome(SignatureVerifier.verify(SignatureStores.of(reference, client), image.manifestDigest(), image.location(),
                verificationKeys), null);
    }
}
