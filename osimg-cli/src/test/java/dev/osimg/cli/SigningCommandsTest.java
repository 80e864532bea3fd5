package dev.osimg.cli;

import static dev.osimg.cli.InstallCommandTest.osimg;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.osimg.cli.InstallCommandTest.Run;
import dev.osimg.digest.Digest;
import dev.osimg.oci.OciLayout;
import dev.osimg.registry.DistributionRegistry;
import dev.osimg.serve.RegistryServer;
import dev.osimg.sign.ImageSigner;
import dev.osimg.sign.KeyFiles;
import dev.osimg.sign.LayoutSignatureStore;
import dev.osimg.sign.SignatureLayer;
import dev.osimg.sign.SignatureManifest;
import dev.osimg.sign.SimpleSigningPayload;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * generate-key-pair, sign and verify from the command line against the real distribution
 * registry (2.8: no referrers API) and layouts, checked byte for byte with openssl; every refusal
 * exits 4 with one line, and an install or pull that is refused writes nothing.
 */
class SigningCommandsTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String PASSWORD = "correct horse";

    @TempDir
    static Path fixtures;

    @TempDir
    Path dir;

    private static DistributionRegistry registry;
    private static String host;
    private static Path ciKey;
    private static Path ciPub;
    private static Path plainKey;
    private static Path plainPub;
    private static Digest digestA;
    private static Digest digestB;

    @BeforeAll
    static void setUp() throws Exception {
        registry = DistributionRegistry.start(Files.createDirectories(fixtures.resolve("registry")), null);
        host = registry.host();
        digestA = build("os/a:v1", 1);
        digestB = build("os/b:v1", 2);
        Path keys = Files.createDirectories(fixtures.resolve("keys"));
        CliRunner.Result generated = CliRunner.run(Map.of("OSIMG_PASSWORD", PASSWORD), List.of(),
                "generate-key-pair", "--output-key-prefix", keys.resolve("ci").toString());
        assertThat(generated.exitCode()).as(generated.err()).isZero();
        ciKey = keys.resolve("ci.key");
        ciPub = keys.resolve("ci.pub");
        assertThat(generated.out()).contains("Private key written to " + ciKey + " (encrypted)");
        CliRunner.Result plain = CliRunner.run(Map.of("OSIMG_PASSWORD", ""), List.of(),
                "generate-key-pair", "--output-key-prefix", keys.resolve("plain").toString());
        assertThat(plain.exitCode()).as(plain.err()).isZero();
        plainKey = keys.resolve("plain.key");
        plainPub = keys.resolve("plain.pub");
        CliRunner.Result signed = CliRunner.run(Map.of("OSIMG_PASSWORD", PASSWORD), List.of(),
                "sign", "--key", ciKey.toString(), "-a", "pipeline=ci-42", host + "/os/a:v1");
        assertThat(signed.exitCode()).as(signed.err()).isZero();
        assertThat(signed.out()).contains("Signed " + host + "/os/a:v1 (" + digestA + ")");
    }

    @AfterAll
    static void stop() throws Exception {
        registry.close();
    }

    private static Digest build(String repoAndTag, int seed) throws Exception {
        Path src = Files.createDirectories(fixtures.resolve("src-" + seed));
        TestKernel.write(src.resolve("kernel.efi"), 5_000, seed);
        byte[] system = new byte[300_000];
        new Random(seed + 100).nextBytes(system);
        Files.write(src.resolve("system"), system);
        Run build = osimg("build", "-q", "--json", "-o", host + "/" + repoAndTag, "--compression", "none",
                "-p", "kernel.efi=" + src.resolve("kernel.efi"), "-p", "system=" + src.resolve("system"));
        assertThat(build.exitCode()).as(build.err()).isZero();
        return Digest.parse(JSON.readTree(build.out()).path("digest").asText());
    }

    @Test
    void keyFilesArePrivateEncryptedAndNeverOverwritten() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ciKey))).isEqualTo("rw-------");
        assertThat(Files.readString(ciKey)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        assertThat(Files.readString(plainKey)).startsWith("-----BEGIN PRIVATE KEY-----");
        String before = Files.readString(ciKey);
        CliRunner.Result again = CliRunner.run(Map.of("OSIMG_PASSWORD", "x"), List.of(),
                "generate-key-pair", "--output-key-prefix", ciKey.toString().replace(".key", ""));
        assertThat(again.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(again.err().strip()).isEqualTo("osimg: error: " + ciKey + " exists; refusing to overwrite a key file (choose another prefix)");
        assertThat(Files.readString(ciKey)).isEqualTo(before);
        CliRunner.Result noTerminal = CliRunner.run("generate-key-pair", "--output-key-prefix", dir.resolve("k").toString());
        assertThat(noTerminal.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noTerminal.err()).contains("set OSIMG_PASSWORD");
        assertThat(dir.resolve("k.key")).doesNotExist();
        CliRunner.Result wrong = CliRunner.run(Map.of("OSIMG_PASSWORD", "wrong"), List.of(), "sign", "--key", ciKey.toString(),
                host + "/os/a:v1");
        assertThat(wrong.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(wrong.err().strip()).isEqualTo("osimg: error: private key " + ciKey + ": wrong password (or the file is damaged)");
    }

    @Test
    void passwordsAreAskedOnATerminalWhenNoEnvironmentVariableIsSet() throws Exception {
        Path prefix = dir.resolve("tty");
        String generated = onTerminal("tty pass\ntty pass\n", "generate-key-pair", "--output-key-prefix", prefix.toString());
        assertThat(generated).contains("Enter password for the private key").contains("Enter it again")
                .contains("Private key written to " + prefix + ".key (encrypted)");
        InstallCommandTest.tool("openssl", "pkey", "-in", prefix + ".key", "-passin", "pass:tty pass", "-noout");
        build("os/tty:v1", 6);
        String signed = onTerminal("tty pass\n", "sign", "--key", prefix + ".key", host + "/os/tty:v1");
        assertThat(signed).contains("Enter password for private key " + prefix + ".key").contains("Signed " + host + "/os/tty:v1");
        assertThat(osimg("verify", "-q", "--key", prefix + ".pub", host + "/os/tty:v1").exitCode()).isZero();
    }

    /** Runs osimg in a child JVM on a pseudo-terminal (util-linux script) with {@code typed} as keyboard input. */
    private static String onTerminal(String typed, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        String line = String.join(" ", command.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").toList());
        ProcessBuilder builder = new ProcessBuilder("script", "-qec", line, "/dev/null").redirectErrorStream(true);
        builder.environment().remove("OSIMG_PASSWORD");
        Process process = builder.start();
        process.getOutputStream().write(typed.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
        process.getOutputStream().close();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    @Test
    void osimgSignatureVerifiesWithOpensslOverThePayloadFetchedFromTheRegistry() throws Exception {
        String tag = SignatureManifest.tag(digestA);
        byte[] manifestBytes = get("/v2/os/a/manifests/" + tag, "application/vnd.oci.image.manifest.v1+json");
        JsonNode manifest = JSON.readTree(manifestBytes);
        assertThat(manifest.path("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(manifest.path("config").path("mediaType").asText()).isEqualTo("application/vnd.oci.image.config.v1+json");
        assertThat(manifest.path("layers")).hasSize(1);
        JsonNode layer = manifest.path("layers").get(0);
        assertThat(layer.path("mediaType").asText()).isEqualTo("application/vnd.dev.cosign.simplesigning.v1+json");
        byte[] payload = get("/v2/os/a/blobs/" + layer.path("digest").asText(), "*/*");
        assertThat(new String(payload, StandardCharsets.UTF_8)).isEqualTo("{\"critical\":{\"identity\":{\"docker-reference\":\""
                + host + "/os/a\"},\"image\":{\"docker-manifest-digest\":\"" + digestA + "\"},\"type\":\"cosign container image signature\"},"
                + "\"optional\":{\"pipeline\":\"ci-42\"}}");
        Path payloadFile = Files.write(dir.resolve("payload"), payload);
        Path sig = Files.write(dir.resolve("sig.der"),
                Base64.getDecoder().decode(layer.path("annotations").path("dev.cosignproject.cosign/signature").asText()));
        assertThat(InstallCommandTest.tool("openssl", "dgst", "-sha256", "-verify", ciPub.toString(), "-signature", sig.toString(),
                payloadFile.toString()).strip()).isEqualTo("Verified OK");

        Run verify = osimg("verify", "--key", ciPub.toString(), host + "/os/a:v1");
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(verify.out()).contains("signature signed by " + ciPub).contains("Verified " + host + "/os/a:v1");
    }

    @Test
    void aSignatureMadeWithOpensslAndPushedByHandVerifiesInOsimg() throws Exception {
        Digest digest = build("os/by-hand:v1", 3);
        Path key = dir.resolve("openssl.pem");
        InstallCommandTest.tool("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
        Path pub = dir.resolve("openssl.pub");
        InstallCommandTest.tool("openssl", "pkey", "-in", key.toString(), "-pubout", "-out", pub.toString());
        String payload = "{\"critical\":{\"identity\":{\"docker-reference\":\"" + host + "/os/by-hand\"},\"image\":{\"docker-manifest-digest\":\""
                + digest + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}";
        Path payloadFile = Files.writeString(dir.resolve("payload.json"), payload);
        Path sig = dir.resolve("sig.der");
        InstallCommandTest.tool("openssl", "dgst", "-sha256", "-sign", key.toString(), "-out", sig.toString(), payloadFile.toString());
        pushSignatureManifest("os/by-hand", digest, payload.getBytes(StandardCharsets.UTF_8), Files.readAllBytes(sig));

        Run verify = osimg("verify", "--key", pub.toString(), host + "/os/by-hand:v1");
        assertThat(verify.exitCode()).as(verify.err()).isZero();
        assertThat(verify.out()).contains("signature signed by " + pub);
        Run other = osimg("verify", "-q", "--key", plainPub.toString(), "--key", pub.toString(), host + "/os/by-hand:v1");
        assertThat(other.exitCode()).as("any of the keys").isZero();
    }

    @Test
    void registryRefusalsExitFourWithOneLine() throws Exception {
        Run unsigned = osimg("verify", "-q", "--key", ciPub.toString(), host + "/os/b:v1");
        assertRefused(unsigned, host + "/os/b:v1 (" + digestB + ") is not signed: " + host + "/os/b has no signature tag "
                + SignatureManifest.tag(digestB));

        Run wrongKey = osimg("verify", "-q", "--key", plainPub.toString(), host + "/os/a:v1");
        assertRefused(wrongKey, "no signature of " + host + "/os/a:v1 (" + digestA + ") verifies with key " + plainPub);

        // A genuine signature of image a, put under image b's signature tag.
        Digest digestC = build("os/c:v1", 4);
        byte[] payloadA = new SimpleSigningPayload(host + "/os/c", digestA, null).toBytes();
        pushSignatureManifest("os/c", digestC, payloadA, sign(plainKey, payloadA));
        Run otherDigest = osimg("verify", "-q", "--key", plainPub.toString(), host + "/os/c:v1");
        assertRefused(otherDigest, "is for " + digestA + ", not for this image");

        Digest digestD = build("os/d:v1", 5);
        byte[] payloadD = new SimpleSigningPayload(host + "/os/d", digestD, null).toBytes();
        byte[] signature = sign(plainKey, payloadD);
        byte[] tampered = new String(payloadD, StandardCharsets.UTF_8).replace("\"optional\":null", "\"optional\":{\"x\":\"y\"}")
                .getBytes(StandardCharsets.UTF_8);
        pushSignatureManifest("os/d", digestD, tampered, signature);
        Run tamperedRun = osimg("verify", "-q", "--key", plainPub.toString(), host + "/os/d:v1");
        assertRefused(tamperedRun, "does not verify with key " + plainPub + " (another key made it, or its payload was altered)");
    }

    @Test
    void layoutRefusalsExitFourWithOneLine() throws Exception {
        Path signed = dir.resolve("signed");
        Run pull = osimg("pull", "--verify-key", ciPub.toString(), host + "/os/a:v1", signed.toString());
        assertThat(pull.exitCode()).as(pull.err()).isZero();
        assertThat(pull.out()).contains("Signature: signed by " + ciPub).contains("Signatures copied: 1");
        assertThat(osimg("verify", "-q", "--key", ciPub.toString(), signed.toString()).exitCode()).isZero();
        assertRefused(osimg("verify", "-q", "--key", plainPub.toString(), signed.toString()),
                "no signature of oci:" + signed + " (" + digestA + ") verifies with key " + plainPub);

        Path unsigned = dir.resolve("unsigned");
        assertThat(osimg("pull", "-q", "--skip-signatures", host + "/os/a:v1", unsigned.toString()).exitCode()).isZero();
        assertRefused(osimg("verify", "-q", "--key", ciPub.toString(), unsigned.toString()),
                "oci:" + unsigned + " (" + digestA + ") is not signed");

        Path moved = dir.resolve("moved");
        assertThat(osimg("pull", "-q", host + "/os/b:v1", moved.toString()).exitCode()).isZero();
        byte[] payloadA = new SimpleSigningPayload("x", digestA, null).toBytes();
        SignatureLayer layer = ImageSigner.signatureLayer(KeyFiles.readPrivateKey(plainKey, w -> new char[0]),
                new SimpleSigningPayload("x", digestA, null));
        new LayoutSignatureStore(moved).put(SignatureManifest.tag(digestB), List.of(layer), SignatureManifest.build(List.of(layer.descriptor())));
        assertThat(layer.payload()).isEqualTo(payloadA);
        assertRefused(osimg("verify", "-q", "--key", plainPub.toString(), moved.toString()), "is for " + digestA + ", not for this image");

        Path payloadBlob = OciLayout.blobPath(signed, Digest.of(get("/v2/os/a/blobs/" + JSON.readTree(get("/v2/os/a/manifests/"
                + SignatureManifest.tag(digestA), "application/vnd.oci.image.manifest.v1+json")).path("layers").get(0).path("digest").asText(), "*/*")));
        Files.writeString(payloadBlob, Files.readString(payloadBlob).replace("ci-42", "ci-43"));
        assertRefused(osimg("verify", "-q", "--key", ciPub.toString(), signed.toString()), "could not be read");
    }

    @Test
    void installAndPullRefuseAnUnsignedImageBeforeWritingAnything() throws Exception {
        Path disk = dir.resolve("node.img");
        Run install = osimg("install", host + "/os/b:v1", "--disk", disk.toString(), "--esp-size", "40", "--system-size", "8",
                "--data-size", "0", "--verify-key", ciPub.toString());
        assertRefused(install, "is not signed");
        assertThat(disk).doesNotExist();
        Path pulled = dir.resolve("pulled");
        assertRefused(osimg("pull", "-q", "--verify-key", ciPub.toString(), host + "/os/b:v1", pulled.toString()), "is not signed");
        assertThat(pulled).doesNotExist();
        assertThat(dir).isEmptyDirectory();

        Run signed = osimg("install", host + "/os/a:v1", "--disk", disk.toString(), "--esp-size", "40", "--system-size", "8",
                "--data-size", "0", "--verify-key", plainPub.toString(), "--verify-key", ciPub.toString());
        assertThat(signed.exitCode()).as(signed.err()).isZero();
        assertThat(signed.out()).contains("Signature: signed by " + ciPub);
        assertThat(disk).isNotEmptyFile();

        Run both = osimg("install", host + "/os/a:v1", "--disk", dir.resolve("x.img").toString(), "--verify-key", ciPub.toString(),
                "--insecure-no-signature");
        assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(dir.resolve("x.img")).doesNotExist();
    }

    @Test
    void updateAndLaunchRefuseAnUnsignedImageBeforeTouchingAnything() throws Exception {
        Path disk = dir.resolve("ab.img");
        Run install = osimg("install", host + "/os/a:v1", "--disk", disk.toString(), "--esp-size", "40", "--system-size", "8",
                "--data-size", "0", "--verify-key", ciPub.toString());
        assertThat(install.exitCode()).as(install.err()).isZero();
        Digest before = Digest.of(Files.readAllBytes(disk));
        var modified = Files.getLastModifiedTime(disk);
        assertRefused(osimg("update", host + "/os/b:v1", "--disk", disk.toString(), "--verify-key", ciPub.toString()), "is not signed");
        assertThat(Digest.of(Files.readAllBytes(disk))).as("every byte of the disk").isEqualTo(before);
        assertThat(Files.getLastModifiedTime(disk)).isEqualTo(modified);

        Run update = osimg("update", host + "/os/a:v1", "--disk", disk.toString(), "--verify-key", ciPub.toString());
        assertThat(update.exitCode()).as(update.err()).isZero();
        assertThat(update.out()).contains("Signature: signed by " + ciPub);

        Path work = Files.createDirectories(dir.resolve("launch-work"));
        assertRefused(osimg("launch", host + "/os/b:v1", "--verify-key", ciPub.toString(), "--work-dir", work.toString()), "is not signed");
        assertThat(work).isEmptyDirectory();
    }

    @Test
    void aRefusedInstallLeavesTheBlockDeviceUntouched() throws Exception {
        Path backing = dir.resolve("device.bin");
        byte[] pattern = new byte[8 << 20];
        new Random(9).nextBytes(pattern);
        Files.write(backing, pattern);
        String loop = InstallCommandTest.tool("losetup", "--find", "--show", backing.toString()).strip();
        try {
            Run install = osimg("install", host + "/os/b:v1", "--device", loop, "--verify-key", ciPub.toString());
            assertRefused(install, "is not signed");
            try (var in = Files.newInputStream(Path.of(loop))) {
                assertThat(in.readAllBytes()).as("every byte of " + loop).isEqualTo(pattern);
            }
        } finally {
            InstallCommandTest.tool("losetup", "-d", loop);
        }
    }

    @Test
    void thePolicyFileChoosesKeysPerRepositoryAndCanAllowUnsigned() throws Exception {
        Path policy = Files.createDirectories(dir.resolve("etc")).resolve("policy.json");
        Files.copy(ciPub, dir.resolve("etc").resolve("ci.pub"));
        Files.writeString(policy, """
                {"default": {"keys": ["ci.pub"]},
                 "registries": {"%s/os/b": {"insecure-no-signature": true},
                                "%s/os/a": {"keys": ["%s"]}}}
                """.formatted(host, host, plainPub));
        Path disk = dir.resolve("b.img");
        Run allowed = osimg("install", host + "/os/b:v1", "--disk", disk.toString(), "--esp-size", "40", "--system-size", "8",
                "--data-size", "0", "--policy", policy.toString());
        assertThat(allowed.exitCode()).as(allowed.err()).isZero();
        assertThat(allowed.out()).contains("Signature: signature not checked (policy " + policy + ", rule registries." + host + "/os/b)");

        Path a = dir.resolve("a.img");
        assertRefused(osimg("install", host + "/os/a:v1", "--disk", a.toString(), "--policy", policy.toString()),
                "verifies with key " + plainPub);
        assertThat(a).doesNotExist();
        Run unsignedDefault = osimg("pull", "-q", "--policy", policy.toString(), host + "/os/by-default:v1", dir.resolve("p").toString());
        assertThat(unsignedDefault.exitCode()).isNotZero();

        assertRefused(osimg("verify", "-q", "--json", "--policy", policy.toString(), host + "/os/a:v1"), "verifies with key " + plainPub);
        Run verifyAllowed = osimg("verify", "-q", "--json", "--policy", policy.toString(), host + "/os/b:v1");
        assertThat(verifyAllowed.exitCode()).as(verifyAllowed.err()).isZero();
        assertThat(JSON.readTree(verifyAllowed.out()).path("signature").asText()).contains("rule registries." + host + "/os/b");

        Files.writeString(policy, "{\"registries\": {\"" + host + "\": {\"keys\": []}}}");
        Run bad = osimg("install", host + "/os/a:v1", "--disk", a.toString(), "--policy", policy.toString());
        assertThat(bad.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(bad.err().strip()).isEqualTo("osimg: error: policy " + policy + ": registries." + host
                + " must name either \"keys\" (a non-empty list) or \"insecure-no-signature\": true");
        assertThat(a).doesNotExist();
    }

    @Test
    void copyPushAndServeCarrySignaturesUnlessAskedToLeaveThemBehind() throws Exception {
        assertThat(osimg("copy", host + "/os/a:v1", host + "/os/a-copy:v1").out()).contains("Signatures copied: 1");
        assertThat(osimg("verify", "-q", "--key", ciPub.toString(), host + "/os/a-copy:v1").exitCode()).isZero();
        assertThat(osimg("copy", "-q", "--skip-signatures", host + "/os/a:v1", host + "/os/a-bare:v1").exitCode()).isZero();
        assertRefused(osimg("verify", "-q", "--key", ciPub.toString(), host + "/os/a-bare:v1"), "is not signed");

        Path layout = dir.resolve("layout");
        assertThat(osimg("pull", "-q", host + "/os/a:v1", layout.toString()).exitCode()).isZero();
        Run second = osimg("sign", "--json", "--key", plainKey.toString(), layout.toString());
        assertThat(second.exitCode()).as(second.err()).isZero();
        JsonNode signedJson = JSON.readTree(second.out());
        assertThat(signedJson.path("digest").asText()).isEqualTo(digestA.toString());
        assertThat(signedJson.path("signature_tag").asText()).isEqualTo(SignatureManifest.tag(digestA));
        assertThat(signedJson.path("signatures").asText()).isEqualTo("oci:" + layout);
        assertThat(osimg("push", layout.toString(), host + "/os/a-pushed:v1").out()).contains("Signatures copied: 2");
        JsonNode sig = JSON.readTree(get("/v2/os/a-pushed/manifests/" + SignatureManifest.tag(digestA), "application/vnd.oci.image.manifest.v1+json"));
        assertThat(sig.path("layers")).hasSize(2);
        assertThat(osimg("verify", "-q", "--key", plainPub.toString(), host + "/os/a-pushed:v1").exitCode()).isZero();

        try (RegistryServer server = RegistryServer.start(new InetSocketAddress("127.0.0.1", 0), Map.of("os/served", layout))) {
            HttpResponse<byte[]> served = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort()
                    + "/v2/os/served/manifests/" + SignatureManifest.tag(digestA))).header("Accept", "application/vnd.oci.image.manifest.v1+json")
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(served.statusCode()).as("the .sig tag is served like any tag").isEqualTo(200);
            assertThat(JSON.readTree(served.body()).path("layers")).hasSize(2);
            Run verify = osimg("verify", "-q", "--key", ciPub.toString(), "127.0.0.1:" + server.address().getPort() + "/os/served@" + digestA);
            assertThat(verify.exitCode()).as(verify.err()).isZero();
        }
        // -q: the digest signed, and nothing else.
        Run quiet = osimg("sign", "-q", "--key", plainKey.toString(), host + "/os/a-pushed:v1");
        assertThat(quiet.exitCode()).as(quiet.err()).isZero();
        assertThat(quiet.out()).isEqualTo(digestA + "\n");
    }

    private static void assertRefused(Run run, String message) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.VERIFICATION_FAILED);
        assertThat(run.err()).startsWith("osimg: error: ").contains(message).doesNotContain("Exception");
        assertThat(run.err().strip().lines()).hasSize(1);
    }

    private static byte[] sign(Path key, byte[] payload) throws Exception {
        java.security.Signature ecdsa = java.security.Signature.getInstance("SHA256withECDSA");
        ecdsa.initSign(KeyFiles.readPrivateKey(key, w -> new char[0]));
        ecdsa.update(payload);
        return ecdsa.sign();
    }

    private static byte[] get(String path, String accept) throws Exception {
        HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + path)).header("Accept", accept).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }

    /** Pushes a cosign-style signature manifest written by the test itself, with plain HTTP calls. */
    private static void pushSignatureManifest(String repo, Digest subject, byte[] payload, byte[] signatureDer) throws Exception {
        byte[] config = "{\"architecture\":\"\",\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},\"config\":{}}"
                .getBytes(StandardCharsets.UTF_8);
        pushBlob(repo, payload);
        pushBlob(repo, config);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{"
                + "\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"size\":" + config.length + ",\"digest\":\""
                + Digest.of(config) + "\"},\"layers\":[{\"mediaType\":\"application/vnd.dev.cosign.simplesigning.v1+json\","
                + "\"size\":" + payload.length + ",\"digest\":\"" + Digest.of(payload) + "\",\"annotations\":{"
                + "\"dev.cosignproject.cosign/signature\":\"" + Base64.getEncoder().encodeToString(signatureDer) + "\"}}]}";
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/" + repo + "/manifests/"
                        + SignatureManifest.tag(subject)))
                .header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString(manifest)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    }

    private static void pushBlob(String repo, byte[] bytes) throws Exception {
        HttpResponse<String> start = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + "/v2/" + repo + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(start.statusCode()).isEqualTo(202);
        String location = start.headers().firstValue("Location").orElseThrow();
        URI upload = URI.create("http://" + host).resolve(location);
        URI put = URI.create(upload + (upload.getQuery() == null ? "?" : "&") + "digest=" + Digest.of(bytes));
        HttpResponse<String> done = HTTP.send(HttpRequest.newBuilder(put).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(done.statusCode()).as(done.body()).isEqualTo(201);
    }
}
