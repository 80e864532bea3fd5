package dev.osimg.sign;

import com.fasterxml.jackson.databind.JsonNode;
import dev.osimg.json.GoCompatibleJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * Opens cosign's own private-key file ({@code ENCRYPTED SIGSTORE PRIVATE KEY}): a JSON document
 * naming scrypt parameters and a salt, a NaCl secretbox nonce, and the ciphertext of the PKCS#8
 * key. The key is scrypt(password, salt); the box is XSalsa20 with a Poly1305 tag in front.
 */
final class CosignKeyBox {
    /** scrypt costs above this would take gigabytes; cosign writes 2^15 or 2^16. */
    private static final int MAX_N = 1 << 20;
    private static final int TAG_SIZE = 16;

    private CosignKeyBox() {
    }

    /** The PKCS#8 DER inside the box; a wrong password or a damaged file fails the Poly1305 check. */
    static byte[] open(byte[] json, char[] password, String what) throws IOException {
        JsonNode doc;
        try {
            doc = GoCompatibleJson.mapper().readTree(json);
        } catch (IOException e) {
            throw new KeyFormatException(what + ": the cosign key is not the JSON document cosign writes", e);
        }
        JsonNode kdf = doc.path("kdf");
        JsonNode cipher = doc.path("cipher");
        if (!"scrypt".equals(kdf.path("name").asText()) || !"nacl/secretbox".equals(cipher.path("name").asText())) {
            throw new KeyFormatException(what + ": cosign key uses kdf \"" + kdf.path("name").asText() + "\" and cipher \""
                    + cipher.path("name").asText() + "\"; osimg reads scrypt with nacl/secretbox");
        }
        int n = kdf.path("params").path("N").asInt();
        int r = kdf.path("params").path("r").asInt();
        int p = kdf.path("params").path("p").asInt();
        if (n < 2 || n > MAX_N || Integer.bitCount(n) != 1 || r < 1 || r > 32 || p < 1 || p > 16) {
            throw new KeyFormatException(what + ": cosign key has scrypt parameters N=" + n + " r=" + r + " p=" + p
                    + " outside what osimg accepts (N a power of two up to 2^20, r up to 32, p up to 16)");
        }
        byte[] salt = base64(kdf.path("salt"), "kdf.salt", what);
        byte[] nonce = base64(cipher.path("nonce"), "cipher.nonce", what);
        byte[] box = base64(doc.path("ciphertext"), "ciphertext", what);
        if (nonce.length != 24 || box.length < TAG_SIZE) {
            throw new KeyFormatException(what + ": cosign key has a " + nonce.length + "-byte nonce and a " + box.length
                    + "-byte ciphertext; secretbox needs 24 and at least 16");
        }
        byte[] utf8 = utf8(password);
        byte[] key = SCrypt.generate(utf8, salt, n, r, p, 32);
        Arrays.fill(utf8, (byte) 0);
        try {
            return secretboxOpen(key, nonce, box, what);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private static byte[] secretboxOpen(byte[] key, byte[] nonce, byte[] box, String what) throws KeyFormatException {
        XSalsa20Engine salsa = new XSalsa20Engine();
        salsa.init(false, new ParametersWithIV(new KeyParameter(key), nonce));
        // The first 32 bytes of the key stream are the one-time Poly1305 key; the message follows.
        byte[] macKey = new byte[32];
        salsa.processBytes(new byte[32], 0, 32, macKey, 0);
        Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(macKey));
        mac.update(box, TAG_SIZE, box.length - TAG_SIZE);
        byte[] tag = new byte[TAG_SIZE];
        mac.doFinal(tag, 0);
        if (!MessageDigest.isEqual(tag, Arrays.copyOf(box, TAG_SIZE))) {
            throw new KeyFormatException(what + ": wrong password for the cosign key (or the file is damaged)");
        }
        byte[] plain = new byte[box.length - TAG_SIZE];
        salsa.processBytes(box, TAG_SIZE, plain.length, plain, 0);
        return plain;
    }

    private static byte[] base64(JsonNode node, String field, String what) throws KeyFormatException {
        try {
            return Base64.getDecoder().decode(node.asText());
        } catch (IllegalArgumentException e) {
            throw new KeyFormatException(what + ": cosign key field " + field + " is not base64");
        }
    }

    private static byte[] utf8(char[] password) {
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] out = Arrays.copyOf(bytes.array(), bytes.limit());
        Arrays.fill(bytes.array(), (byte) 0);
        return out;
    }
}
