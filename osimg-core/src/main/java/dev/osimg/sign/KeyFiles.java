package dev.osimg.sign;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.EncryptionScheme;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Reads and writes ECDSA P-256 key files: private keys as PKCS#8 PEM (encrypted or not, as
 * osimg and openssl write them), SEC1 {@code EC PRIVATE KEY} PEM, and cosign's
 * {@code ENCRYPTED SIGSTORE PRIVATE KEY}; public keys as PKIX {@code PUBLIC KEY} PEM.
 */
public final class KeyFiles {
    private static final long MAX_KEY_FILE = 64 << 10;

    private KeyFiles() {
    }

    /** The two files of a key pair written by {@link #writeNew}. */
    public record KeyPairFiles(Path privateKey, Path publicKey) {
    }

    /**
     * Generates a key pair and writes {@code PREFIX.key} (owner-only permissions; encrypted
     * PKCS#8 unless the password is empty) and {@code PREFIX.pub}. Refuses when either exists.
     */
    public static KeyPairFiles writeNew(Path prefix, char[] password) throws IOException {
        Path keyFile = Path.of(prefix + ".key");
        Path pubFile = Path.of(prefix + ".pub");
        for (Path p : new Path[] {keyFile, pubFile}) {
            if (Files.exists(p)) {
                throw new FileAlreadyExistsException(p.toString(), null, "exists; refusing to overwrite a key file (choose another prefix)");
            }
        }
        KeyPair pair = generate();
        String privatePem = password.length == 0 ? Pem.encode("PRIVATE KEY", pair.getPrivate().getEncoded())
                : Pem.encode("ENCRYPTED PRIVATE KEY", Pkcs8Encryption.encrypt(pair.getPrivate().getEncoded(), password));
        Files.write(Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                privatePem.getBytes(StandardCharsets.US_ASCII), StandardOpenOption.TRUNCATE_EXISTING);
        try {
            Files.write(pubFile, publicKeyPem(pair.getPublic()).getBytes(StandardCharsets.US_ASCII), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            Files.deleteIfExists(keyFile);
            throw e;
        }
        return new KeyPairFiles(keyFile, pubFile);
    }

    /** A fresh P-256 key pair. */
    static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(P256.CURVE), new SecureRandom());
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot generate P-256 keys", e);
        }
    }

    /** A public key as PKIX PEM, the form cosign and openssl read. */
    public static String publicKeyPem(PublicKey key) {
        return Pem.encode("PUBLIC KEY", key.getEncoded());
    }

    /** Reads a private key; {@code passwords} is asked only when the file is encrypted. */
    public static PrivateKey readPrivateKey(Path file, PasswordSource passwords) throws IOException {
        String what = "private key " + file;
        Pem pem = Pem.parse(readSmall(file, what), what);
        byte[] pkcs8 = switch (pem.type()) {
            case "PRIVATE KEY" -> pem.der();
            case "EC PRIVATE KEY" -> {
                if (pem.headers().stream().anyMatch(h -> h.startsWith("Proc-Type") && h.contains("ENCRYPTED"))) {
                    throw new KeyFormatException(what + " is encrypted in the legacy OpenSSL format; convert it with"
                            + " 'openssl pkcs8 -topk8 -in " + file + " -out NEW.key'");
                }
                yield sec1ToPkcs8(pem.der(), what);
            }
            case "ENCRYPTED PRIVATE KEY" -> withPassword(passwords, what, pw -> Pkcs8Encryption.decrypt(pem.der(), pw, what));
            case "ENCRYPTED SIGSTORE PRIVATE KEY", "ENCRYPTED COSIGN PRIVATE KEY" ->
                    withPassword(passwords, what, pw -> CosignKeyBox.open(pem.der(), pw, what));
            default -> throw new KeyFormatException(what + " holds a \"" + pem.type() + "\" PEM block, not a private key"
                    + (pem.type().equals("PUBLIC KEY") ? " (sign takes the private .key file, verify the .pub file)" : ""));
        };
        requireEcAlgorithm(pkcs8, what);
        PrivateKey key;
        try {
            key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new KeyFormatException(what + " is not an EC private key (" + e.getMessage() + ")", e);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
        P256.require(key, what);
        return key;
    }

    /** Reads a PKIX {@code PUBLIC KEY} PEM file (cosign's {@code .pub}, openssl's {@code pkey -pubout}). */
    public static PublicKey readPublicKey(Path file) throws IOException {
        String what = "public key " + file;
        Pem pem = Pem.parse(readSmall(file, what), what);
        if (!pem.type().equals("PUBLIC KEY")) {
            throw new KeyFormatException(what + " holds a \"" + pem.type() + "\" PEM block, not a PUBLIC KEY"
                    + (pem.type().contains("PRIVATE") ? " (verification takes the .pub file, never the private key)" : ""));
        }
        PublicKey key;
        try {
            key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(pem.der()));
        } catch (GeneralSecurityException e) {
            throw new KeyFormatException(what + " is not an EC public key (" + e.getMessage() + ")", e);
        }
        P256.require(key, what);
        return key;
    }

    /** Names the algorithm of a PKCS#8 key that is not EC, instead of the JDK's parse error. */
    private static void requireEcAlgorithm(byte[] pkcs8, String what) throws KeyFormatException {
        String oid;
        try {
            oid = PrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(pkcs8)).getPrivateKeyAlgorithm().getAlgorithm().getId();
        } catch (IOException | IllegalArgumentException e) {
            throw new KeyFormatException(what + " is not a valid PKCS#8 private key", e);
        }
        if (!oid.equals(X9ObjectIdentifiers.id_ecPublicKey.getId())) {
            String name = switch (oid) {
                case "1.2.840.113549.1.1.1" -> "an RSA";
                case "1.3.101.112" -> "an Ed25519";
                default -> "a non-EC (" + oid + ")";
            };
            throw new KeyFormatException(what + " is " + name + " key; osimg signs and verifies with ECDSA P-256 keys"
                    + " (openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256, or osimg generate-key-pair)");
        }
    }

    private interface Decryption {
        byte[] apply(char[] password) throws IOException;
    }

    private static byte[] withPassword(PasswordSource passwords, String what, Decryption decryption) throws IOException {
        char[] password = passwords.password(what);
        try {
            return decryption.apply(password);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** Wraps an RFC 5915 key in PKCS#8, naming P-256 (the key's own optional parameters must agree). */
    private static byte[] sec1ToPkcs8(byte[] der, String what) throws KeyFormatException {
        try {
            ECPrivateKey sec1 = ECPrivateKey.getInstance(ASN1Primitive.fromByteArray(der));
            if (sec1.getParametersObject() != null && !SECObjectIdentifiers.secp256r1.equals(sec1.getParametersObject())) {
                throw new KeyFormatException(what + " is an EC key on another curve (" + sec1.getParametersObject()
                        + "); osimg uses P-256 (prime256v1), as cosign does");
            }
            AlgorithmIdentifier algorithm = new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, SECObjectIdentifiers.secp256r1);
            return new PrivateKeyInfo(algorithm, sec1).getEncoded();
        } catch (IOException | IllegalArgumentException e) {
            if (e instanceof KeyFormatException k) {
                throw k;
            }
            throw new KeyFormatException(what + ": the EC PRIVATE KEY block is not a valid SEC1 key", e);
        }
    }

    private static byte[] readSmall(Path file, String what) throws IOException {
        long size = Files.size(file);
        if (size > MAX_KEY_FILE) {
            throw new KeyFormatException(what + " is " + size + " bytes; a key file is a few hundred bytes");
        }
        return Files.readAllBytes(file);
    }

    /** PKCS#8 encryption with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC), the form openssl 3 writes by default. */
    static final class Pkcs8Encryption {
        /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256: a guess costs as much as signing takes once. */
        static final int ITERATIONS = 600_000;

        private Pkcs8Encryption() {
        }

        static byte[] encrypt(byte[] pkcs8, char[] password) throws IOException {
            SecureRandom random = new SecureRandom();
            byte[] salt = new byte[16];
            byte[] iv = new byte[16];
            random.nextBytes(salt);
            random.nextBytes(iv);
            try {
                PBEKeySpec spec = new PBEKeySpec(password, salt, ITERATIONS, 256);
                byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
                spec.clearPassword();
                Cipher aes = Cipher.getInstance("AES/CBC/PKCS5Padding");
                aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(iv));
                Arrays.fill(key, (byte) 0);
                byte[] ciphertext = aes.doFinal(pkcs8);
                var prf = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE);
                var kdf = new KeyDerivationFunc(PKCSObjectIdentifiers.id_PBKDF2,
                        new PBKDF2Params(salt, ITERATIONS, 32, prf));
                var scheme = new EncryptionScheme(
                        NISTObjectIdentifiers.id_aes256_CBC, new DEROctetString(iv));
                var pbes2 = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2,
                        new PBES2Parameters(kdf, scheme));
                return new org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo(pbes2, ciphertext).getEncoded();
            } catch (GeneralSecurityException e) {
                throw new IOException("cannot encrypt the private key: " + e.getMessage(), e);
            }
        }

        /** Decrypts any PKCS#8 encryption the JDK knows (PBES2 with PBKDF2 and AES, as openssl writes; PBES1). */
        static byte[] decrypt(byte[] der, char[] password, String what) throws KeyFormatException {
            EncryptedPrivateKeyInfo info;
            try {
                info = new EncryptedPrivateKeyInfo(der);
            } catch (IOException e) {
                throw new KeyFormatException(what + ": the ENCRYPTED PRIVATE KEY block is not valid PKCS#8", e);
            }
            try {
                var key = SecretKeyFactory.getInstance(info.getAlgName()).generateSecret(new PBEKeySpec(password));
                Cipher cipher = Cipher.getInstance(info.getAlgName());
                cipher.init(Cipher.DECRYPT_MODE, key, info.getAlgParameters());
                return info.getKeySpec(cipher).getEncoded();
            } catch (NoSuchAlgorithmException e) {
                throw new KeyFormatException(what + " is encrypted with " + info.getAlgName() + ", which osimg cannot decrypt;"
                        + " re-encrypt it with 'openssl pkcs8 -topk8 -v2 aes-256-cbc'", e);
            } catch (GeneralSecurityException e) {
                throw new KeyFormatException(what + ": wrong password (or the file is damaged)", e);
            }
        }
    }
}
