package dev.osimg.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osimg.testing.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key files as osimg, openssl and cosign write them, checked against openssl itself. */
class KeyFilesTest {
    /**
     * A key file written by cosign's generate-key-pair with an empty password (scrypt N=65536,
     * nacl/secretbox), as published in a public project's tests: the only way to check the
     * cosign format byte for byte without cosign on the machine.
     */
    static final String COSIGN_KEY_EMPTY_PASSWORD = """
            -----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----
            eyJrZGYiOnsibmFtZSI6InNjcnlwdCIsInBhcmFtcyI6eyJOIjo2NTUzNiwiciI6
            OCwicCI6MX0sInNhbHQiOiJLYU9OQzduQVJLOVgxM1FoaWFucjAwTTBGYys2Sitr
            dnAxN1FuanpiVk9nPSJ9LCJjaXBoZXIiOnsibmFtZSI6Im5hY2wvc2VjcmV0Ym94
            Iiwibm9uY2UiOiJVOHZqWWtqMlZOUFZGdlZFZWZ3bXZ5VGloUERrelBoaCJ9LCJj
            aXBoZXJ0ZXh0IjoidWNWMnQ4TTZVNFJvb29FOXc0d3dkc3E1RDYrS2RKY245dERT
            KzFwRDRGN040SVJOWEgzSTBua3h1a3NackFOUHR1emIvTkVYQ201dUp3Zjh3Qzl1
            VlprbXdwNU5jRUZ6b3ZNS3JCZmNvdXdjaEkrMzkrQ0NhbVZPbzBucmRnZjhvcmpK
            dXdrWDBYL1phY0RUTERGaUxyc1laMWVMMmlqMGU1MVRpZmVQNTl4WXNPK1FnM1Jv
            OURRVjNQMk9ndDFDaVFHeGg1VXhUZytGc3c9PSJ9
            -----END ENCRYPTED SIGSTORE PRIVATE KEY-----
            """;

    @TempDir
    Path tmp;

    private static PasswordSource password(String pw) {
        return what -> pw.toCharArray();
    }

    private static final PasswordSource NEVER = what -> {
        throw new AssertionError("no password should be asked for " + what);
    };

    @Test
    void generatedEncryptedKeyIsPrivateAndOpensslReadsBothFiles() throws Exception {
        KeyFiles.KeyPairFiles files = KeyFiles.writeNew(tmp.resolve("ci"), "s3cret".toCharArray());
        assertThat(files.privateKey()).hasFileName("ci.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.privateKey()))).isEqualTo("rw-------");
        assertThat(Files.readString(files.privateKey())).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----\n");
        String derived = Tools.ok("openssl", "pkey", "-in", files.privateKey().toString(), "-passin", "pass:s3cret", "-pubout");
        assertThat(derived).isEqualTo(Files.readString(files.publicKey()));
        assertThat(Tools.run("openssl", "pkey", "-in", files.privateKey().toString(), "-passin", "pass:wrong", "-noout").exitCode())
                .isNotZero();
        PrivateKey key = KeyFiles.readPrivateKey(files.privateKey(), password("s3cret"));
        assertOpensslVerifies(key, files.publicKey());
    }

    @Test
    void emptyPasswordWritesAnUnencryptedKey() throws Exception {
        KeyFiles.KeyPairFiles files = KeyFiles.writeNew(tmp.resolve("plain"), new char[0]);
        assertThat(Files.readString(files.privateKey())).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertOpensslVerifies(KeyFiles.readPrivateKey(files.privateKey(), NEVER), files.publicKey());
    }

    @Test
    void refusesToOverwriteEitherFile() throws Exception {
        Files.writeString(tmp.resolve("k.pub"), "keep me");
        assertThatThrownBy(() -> KeyFiles.writeNew(tmp.resolve("k"), new char[0]))
                .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("k.pub");
        assertThat(tmp.resolve("k.key")).doesNotExist();
        assertThat(tmp.resolve("k.pub")).hasContent("keep me");
    }

    @Test
    void readsKeysOpensslWrites() throws Exception {
        Path plain = tmp.resolve("plain.pem");
        Tools.ok("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", plain.toString());
        Path encrypted = tmp.resolve("enc.pem");
        Tools.ok("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes256", "-pass", "pass:pw",
                "-out", encrypted.toString());
        Path sec1 = tmp.resolve("sec1.pem");
        Tools.ok("openssl", "ec", "-in", plain.toString(), "-out", sec1.toString());
        assertThat(Files.readString(sec1)).startsWith("-----BEGIN EC PRIVATE KEY-----");

        Path plainPub = publicKeyOf(plain, null);
        assertOpensslVerifies(KeyFiles.readPrivateKey(plain, NEVER), plainPub);
        assertOpensslVerifies(KeyFiles.readPrivateKey(sec1, NEVER), plainPub);
        assertOpensslVerifies(KeyFiles.readPrivateKey(encrypted, password("pw")), publicKeyOf(encrypted, "pw"));
        assertThat(KeyFiles.readPublicKey(plainPub).getAlgorithm()).isEqualTo("EC");
        assertThatThrownBy(() -> KeyFiles.readPrivateKey(encrypted, password("nope")))
                .isInstanceOf(KeyFormatException.class).hasMessageContaining("wrong password");
    }

    @Test
    void readsCosignKeyFiles() throws Exception {
        Path cosign = tmp.resolve("cosign.key");
        Files.writeString(cosign, COSIGN_KEY_EMPTY_PASSWORD);
        PrivateKey key = KeyFiles.readPrivateKey(cosign, password(""));
        Path pkcs8 = tmp.resolve("as-pkcs8.pem");
        Files.writeString(pkcs8, Pem.encode("PRIVATE KEY", key.getEncoded()));
        assertOpensslVerifies(key, publicKeyOf(pkcs8, null));
        assertThatThrownBy(() -> KeyFiles.readPrivateKey(cosign, password("not-it")))
                .isInstanceOf(KeyFormatException.class).hasMessageContaining("wrong password for the cosign key");
    }

    @Test
    void refusesOtherAlgorithmsCurvesAndSwappedFiles() throws Exception {
        Path p384 = tmp.resolve("p384.pem");
        Tools.ok("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out", p384.toString());
        assertThatThrownBy(() -> KeyFiles.readPrivateKey(p384, NEVER)).isInstanceOf(KeyFormatException.class)
                .hasMessageContaining("another curve");
        Path rsa = tmp.resolve("rsa.pem");
        Tools.ok("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", rsa.toString());
        assertThatThrownBy(() -> KeyFiles.readPrivateKey(rsa, NEVER)).isInstanceOf(KeyFormatException.class)
                .hasMessageContaining("ECDSA P-256");
        Path pub = publicKeyOf(rsa, null);
        assertThatThrownBy(() -> KeyFiles.readPrivateKey(pub, NEVER)).hasMessageContaining("not a private key");
        assertThatThrownBy(() -> KeyFiles.readPublicKey(rsa)).hasMessageContaining("never the private key");
        Path text = tmp.resolve("notes.txt");
        Files.writeString(text, "hello");
        assertThatThrownBy(() -> KeyFiles.readPublicKey(text)).hasMessageContaining("is not a PEM file");
    }

    private Path publicKeyOf(Path privateKey, String pass) throws Exception {
        Path pub = tmp.resolve(privateKey.getFileName() + ".pub");
        if (pass == null) {
            Tools.ok("openssl", "pkey", "-in", privateKey.toString(), "-pubout", "-out", pub.toString());
        } else {
            Tools.ok("openssl", "pkey", "-in", privateKey.toString(), "-passin", "pass:" + pass, "-pubout", "-out", pub.toString());
        }
        return pub;
    }

    /** Signs a payload with osimg and checks the signature with openssl dgst and the public key file. */
    private void assertOpensslVerifies(PrivateKey key, Path publicKey) throws Exception {
        SimpleSigningPayload payload = new SimpleSigningPayload("example.com/os", dev.osimg.digest.Digest.of(new byte[] {1}), null);
        SignatureLayer layer = ImageSigner.signatureLayer(key, payload);
        Path data = Files.write(tmp.resolve("payload-" + System.nanoTime()), layer.payload());
        Path sig = Files.write(tmp.resolve("sig-" + System.nanoTime()), java.util.Base64.getDecoder().decode(layer.signature()));
        String out = Tools.ok("openssl", "dgst", "-sha256", "-verify", publicKey.toString(), "-signature", sig.toString(), data.toString());
        assertThat(out.trim()).isEqualTo("Verified OK");
        assertThat(new String(layer.payload(), StandardCharsets.UTF_8)).contains(payload.imageDigest().toString());
    }
}
