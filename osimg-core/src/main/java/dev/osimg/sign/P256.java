package dev.osimg.sign;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.interfaces.ECKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;

/** The one curve cosign's key pairs use, NIST P-256 (secp256r1), and the check that a key is on it. */
final class P256 {
    static final String CURVE = "secp256r1";
    private static final ECParameterSpec PARAMETERS = parameters();

    private P256() {
    }

    static ECParameterSpec parameters() {
        try {
            AlgorithmParameters p = AlgorithmParameters.getInstance("EC");
            p.init(new ECGenParameterSpec(CURVE));
            return p.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK lacks the P-256 curve", e);
        }
    }

    /** Refuses any key that is not an EC key on P-256, naming what it is instead. */
    static void require(Key key, String what) throws KeyFormatException {
        if (!(key instanceof ECKey ec)) {
            throw new KeyFormatException(what + " is a " + key.getAlgorithm() + " key; osimg signs and verifies with ECDSA P-256 keys"
                    + " (openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256, or osimg generate-key-pair)");
        }
        ECParameterSpec p = ec.getParams();
        if (!p.getOrder().equals(PARAMETERS.getOrder()) || !p.getGenerator().equals(PARAMETERS.getGenerator())
                || !p.getCurve().equals(PARAMETERS.getCurve())) {
            throw new KeyFormatException(what + " is an EC key on another curve (" + p.getCurve().getField().getFieldSize()
                    + "-bit); osimg uses P-256 (prime256v1), as cosign does");
        }
    }
}
