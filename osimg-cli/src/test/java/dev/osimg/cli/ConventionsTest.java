package dev.osimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.osimg.digest.Digest;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What users of CLIs expect: typo suggestions, one error prefix, -q for scripts, JSON with errors, inspect --raw. */
class ConventionsTest {
    private static final JsonMapper JSON = new JsonMapper();

    @TempDir
    Path dir;
    Path system;

    @BeforeEach
    void payload() throws Exception {
        byte[] bytes = new byte[(1 << 20) + 3];
        new Random(3).nextBytes(bytes);
        system = Files.write(dir.resolve("system.img"), bytes);
    }

    @Test
    void mistypedCommandsAndOptionsGetASuggestion() {
        CliRunner.Result command = CliRunner.inProcess("biuld");
        assertThat(command.exitCode()).isEqualTo(2);
        assertThat(command.err().lines().findFirst().orElseThrow())
                .isEqualTo("osimg: error: unknown command 'biuld'; did you mean 'build'?");
        CliRunner.Result option = CliRunner.inProcess("inspect", "--jsn", "x");
        assertThat(option.exitCode()).isEqualTo(2);
        assertThat(option.err()).startsWith("osimg: error: unknown option '--jsn'; did you mean '--json'?");
        CliRunner.Result swapped = CliRunner.inProcess("pull", "--jbos", "2", "a", "b");
        assertThat(swapped.err()).startsWith("osimg: error: unknown option '--jbos'; did you mean '--jobs'?");
        CliRunner.Result swappedCommand = CliRunner.inProcess("plul", "a", "b");
        assertThat(swappedCommand.err()).startsWith("osimg: error: unknown command 'plul'; did you mean 'pull'?");
    }

    @Test
    void aMissingGroupOfOptionsIsOneErrorWithOnePrefix() {
        CliRunner.Result r = CliRunner.inProcess("install", "oci:/nonexistent");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err().lines().findFirst().orElseThrow())
                .startsWith("osimg: error: Missing required argument").contains("--disk").contains("--device")
                .doesNotContain("Error:");
    }

    @Test
    void anUnknownOptionIsReportedBeforeAMissingOne() {
        CliRunner.Result r = CliRunner.inProcess("build", "--out", dir.resolve("x").toString(), "--payld", "system=" + system);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("osimg: error: unknown option '--payld'; did you mean '--payload'?")
                .doesNotContain("Missing");
    }

    @Test
    void everyErrorHasTheSamePrefix() {
        for (String[] args : new String[][] {{"inspect", dir.resolve("nope").toString()}, {"build", "--payload", "system=x"},
            {"verify"}, {"copy", "a"}}) {
            CliRunner.Result r = CliRunner.inProcess(args);
            assertThat(r.exitCode()).as(String.join(" ", args)).isNotZero();
            assertThat(r.err()).as(String.join(" ", args)).startsWith("osimg: error: ");
        }
    }

    @Test
    void quietPrintsOnlyTheDigestAndDigestfileHoldsIt() throws Exception {
        Path digestFile = dir.resolve("digest");
        CliRunner.Result built = CliRunner.inProcess("build", "-q", "--out", dir.resolve("img").toString(), "--payload",
                "system=" + system, "--tag", "v1", "--digestfile", digestFile.toString());
        assertThat(built.exitCode()).as(built.err()).isZero();
        assertThat(built.out()).matches("sha256:[0-9a-f]{64}\n");
        String digest = built.out().strip();
        assertThat(Files.readString(digestFile)).isEqualTo(digest);

        CliRunner.Result copied = CliRunner.inProcess("copy", "-q", "oci:" + dir.resolve("img") + ":v1", "oci:" + dir.resolve("copy") + ":v2");
        assertThat(copied.out()).isEqualTo(digest + "\n");
        assertThat(CliRunner.inProcess("verify", "-q", dir.resolve("copy").toString()).out()).isEqualTo(digest + "\n");
        assertThat(CliRunner.inProcess("inspect", "-q", dir.resolve("copy").toString()).out()).isEqualTo(digest + "\n");

        // The digest file follows the umask like any file the user makes there, and no temporary is left.
        Path plain = Files.createFile(dir.resolve("made-by-hand"));
        assertThat(Files.getPosixFilePermissions(digestFile)).isEqualTo(Files.getPosixFilePermissions(plain));
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
        }
        // A digest file that cannot be written is refused before anything is copied.
        CliRunner.Result refused = CliRunner.inProcess("copy", "-q", "--digestfile", dir.resolve("none/digest").toString(),
                "oci:" + dir.resolve("img") + ":v1", "oci:" + dir.resolve("never"));
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.err()).isEqualTo("osimg: error: --digestfile " + dir.resolve("none/digest") + ": the directory "
                + dir.resolve("none") + " does not exist\n");
        assertThat(dir.resolve("never")).doesNotExist();
    }

    @Test
    void errorsNameTheFileTheUserNamedNotOsimgsTemporary() throws Exception {
        CliRunner.Result built = CliRunner.inProcess("build", "-q", "--out", dir.resolve("img").toString(), "--payload",
                "system=" + system, "--tag", "v1");
        assertThat(built.exitCode()).as(built.err()).isZero();
        // /proc takes no new files: every write there fails where osimg first writes, its temporary.
        String[][] commands = {
            {"copy", "-q", "oci:" + dir.resolve("img") + ":v1", "oci:/proc/osimg-test-layout"},
            {"copy", "-q", "--digestfile", "/proc/osimg-test-digest", "oci:" + dir.resolve("img") + ":v1", "oci:" + dir.resolve("c")},
            {"install", "-q", "oci:" + dir.resolve("img"), "--disk", "/proc/osimg-test.img", "--any-payload"},
            {"logout", "--authfile", "/proc/osimg-test-auth.json", "r.example"},
        };
        for (String[] args : commands) {
            CliRunner.Result r = CliRunner.inProcess(args);
            assertThat(r.exitCode()).as(String.join(" ", args)).isNotZero();
            assertThat(r.err()).as(String.join(" ", args)).startsWith("osimg: error: ").doesNotContain(".osimg-tmp-");
        }
        assertThat(CliRunner.inProcess(commands[0]).err()).isEqualTo("osimg: error: /proc/osimg-test-layout: no such file or directory\n");
        assertThat(CliRunner.inProcess(commands[1]).err()).isEqualTo("osimg: error: /proc/osimg-test-digest: no such file or directory\n");
    }

    @Test
    void generateKeyPairHasQuietAndJsonToo() throws Exception {
        java.util.Map<String, String> noPassword = java.util.Map.of("OSIMG_PASSWORD", "");
        CliRunner.Result quiet = CliRunner.run(noPassword, java.util.List.of(), "generate-key-pair", "-q", "--output-key-prefix",
                dir.resolve("q").toString());
        assertThat(quiet.exitCode()).as(quiet.err()).isZero();
        assertThat(quiet.out()).isEqualTo(dir.resolve("q.pub") + "\n");
        assertThat(quiet.err()).isEmpty();
        CliRunner.Result json = CliRunner.run(noPassword, java.util.List.of(), "generate-key-pair", "--json", "--output-key-prefix",
                dir.resolve("j").toString());
        JsonNode doc = JSON.readTree(json.out());
        assertThat(doc.path("schema_version").asInt()).isEqualTo(1);
        assertThat(doc.path("public_key").asText()).isEqualTo(dir.resolve("j.pub").toString());
        assertThat(doc.path("private_key").asText()).isEqualTo(dir.resolve("j.key").toString());
        assertThat(doc.path("encrypted").asBoolean()).isFalse();
    }

    @Test
    void jsonHasASchemaVersionOneNamingAndAnErrorObject() throws Exception {
        CliRunner.Result build = CliRunner.inProcess("build", "--json", "--out", dir.resolve("img").toString(),
                "--payload", "system=" + system, "--tag", "v1", "--component", "kernel=6.1");
        assertThat(build.exitCode()).as(build.err()).isZero();
        JsonNode built = JSON.readTree(build.out());
        assertThat(built.get("schema_version").asInt()).isEqualTo(1);
        String digest = built.get("digest").asText();
        assertThat(built.get("tags").get(0).asText()).isEqualTo("v1");
        CliRunner.Result tagged = CliRunner.inProcess("copy", "oci:" + dir.resolve("img") + ":v1", "oci:" + dir.resolve("img") + ":v2");
        assertThat(tagged.exitCode()).as(tagged.err()).isZero();

        JsonNode inspected = JSON.readTree(CliRunner.inProcess("inspect", "--json", "oci:" + dir.resolve("img") + ":v1").out());
        assertThat(inspected.get("schema_version").asInt()).isEqualTo(1);
        assertThat(inspected.get("digest").asText()).isEqualTo(digest);
        assertThat(inspected.get("image").asText()).contains(dir.resolve("img").toString());
        assertThat(inspected.get("tags")).extracting(JsonNode::asText).containsExactly("v1", "v2");
        assertThat(inspected.get("artifact_type").asText()).isEqualTo("application/vnd.monogon.os.image.v1");
        assertThat(inspected.at("/components/0/id").asText()).isEqualTo("kernel");
        assertThat(inspected.has("created")).isTrue();

        JsonNode copied = JSON.readTree(CliRunner.inProcess("copy", "--json", "oci:" + dir.resolve("img") + ":v1", "oci:" + dir.resolve("c")).out());
        assertThat(copied.get("digest").asText()).isEqualTo(digest);
        assertThat(copied.has("source")).isTrue();
        assertThat(copied.has("destination")).isTrue();

        CliRunner.Result failed = CliRunner.inProcess("inspect", "--json", dir.resolve("nope").toString());
        assertThat(failed.exitCode()).isEqualTo(1);
        JsonNode error = JSON.readTree(failed.out());
        assertThat(error.get("schema_version").asInt()).isEqualTo(1);
        assertThat(error.at("/error/exit_code").asInt()).isEqualTo(1);
        assertThat(error.at("/error/message").asText()).contains("nope");
        CliRunner.Result usage = CliRunner.inProcess("inspect", "--json", "--bogus", "x");
        assertThat(JSON.readTree(usage.out()).at("/error/exit_code").asInt()).isEqualTo(2);
    }

    @Test
    void inspectRawAndConfigPrintTheStoredDocuments() throws Exception {
        String digest = CliRunner.inProcess("build", "-q", "--out", dir.resolve("img").toString(), "--payload", "system=" + system)
                .out().strip();
        String manifest = CliRunner.inProcess("inspect", "--raw", dir.resolve("img").toString()).out();
        assertThat(Digest.of(manifest.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString()).isEqualTo(digest);
        String configDigest = JSON.readTree(manifest).at("/config/digest").asText();
        String config = CliRunner.inProcess("inspect", "--config", dir.resolve("img").toString()).out();
        assertThat(Digest.of(config.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString()).isEqualTo(configDigest);
        assertThat(CliRunner.inProcess("inspect", "--raw", "--config", dir.resolve("img").toString()).exitCode()).isEqualTo(2);
    }

    @Test
    void buildRefusesOtherPayloadNamesAndAKernelThatIsNotUefi() throws Exception {
        CliRunner.Result typo = CliRunner.inProcess("build", "--out", dir.resolve("a").toString(), "--payload", "sytem=" + system);
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.err().strip()).isEqualTo("osimg: error: --payload sytem=" + system
                + ": an OS image has the payloads kernel.efi and system; use --any-payload for other names");
        Path notUefi = Files.write(dir.resolve("vmlinuz"), new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1});
        CliRunner.Result elf = CliRunner.inProcess("build", "--out", dir.resolve("b").toString(), "--payload", "kernel.efi=" + notUefi,
                "--payload", "system=" + system);
        assertThat(elf.exitCode()).isEqualTo(2);
        assertThat(elf.err()).startsWith("osimg: error: --payload kernel.efi=" + notUefi + " is not a UEFI executable: it does not "
                + "start with the \"MZ\" header");
        assertThat(dir.resolve("a")).doesNotExist();
        assertThat(dir.resolve("b")).doesNotExist();
        CliRunner.Result told = CliRunner.inProcess("build", "-q", "--any-payload", "--out", dir.resolve("c").toString(),
                "--payload", "kernel.efi=" + notUefi, "--payload", "initrd=" + system);
        assertThat(told.exitCode()).as(told.err()).isZero();
        CliRunner.Result uefi = CliRunner.inProcess("build", "-q", "--out", dir.resolve("d").toString(), "--payload",
                "kernel.efi=" + TestKernel.write(dir.resolve("kernel.efi"), 10, 1), "--payload", "system=" + system);
        assertThat(uefi.exitCode()).as(uefi.err()).isZero();
    }

    @Test
    void messagesNameWhatTheUserTyped() throws Exception {
        String digest = CliRunner.inProcess("build", "-q", "--any-payload", "--variant", "x86_64", "--out",
                dir.resolve("img").toString(), "--payload", "kernel.efi=" + system, "--payload", "system=" + system).out().strip();
        assertThat(digest).startsWith("sha256:");
        Path missing = dir.resolve("no-such-dir/disk.img");
        CliRunner.Result install = CliRunner.inProcess("install", dir.resolve("img").toString(), "--disk", missing.toString());
        assertThat(install.exitCode()).isEqualTo(2);
        assertThat(install.err().strip()).isEqualTo("osimg: error: --disk " + missing + ": the directory "
                + missing.getParent() + " does not exist");

        String htpasswd = InstallCommandTest.tool("htpasswd", "-Bbn", "fleet", "s3cret-pw");
        Path file = Files.writeString(dir.resolve("htpasswd"), htpasswd);
        try (var registry = dev.osimg.registry.DistributionRegistry.start(dir.resolve("reg"),
                "htpasswd:\n  realm: osimg-test\n  path: " + file + "\n")) {
            Path emptyConfig = Files.createDirectories(dir.resolve("docker"));
            CliRunner.Result denied = CliRunner.run(java.util.Map.of("DOCKER_CONFIG", emptyConfig.toString()), java.util.List.of(),
                    "inspect", registry.host() + "/os/x:v1");
            assertThat(denied.exitCode()).isEqualTo(1);
            assertThat(denied.err().strip()).startsWith("osimg: error: ").contains("(401)")
                    .endsWith("; log in with 'osimg login HOST' (or docker login: osimg reads ~/.docker/config.json) or pass --username USER --password-stdin");
        }
    }

    @Test
    void deleteRemovesTheManifestAndEveryTagOfIt() throws Exception {
        try (var registry = dev.osimg.registry.DistributionRegistry.start(dir.resolve("reg"), null)) {
            String ref = registry.host() + "/os/gone:v1";
            CliRunner.Result built = CliRunner.inProcess("build", "-q", "--out", ref, "--payload", "system=" + system);
            assertThat(built.exitCode()).as(built.err()).isZero();
            assertThat(CliRunner.inProcess("copy", "-q", ref, registry.host() + "/os/gone:v2").exitCode()).isZero();
            assertThat(CliRunner.inProcess("tags", registry.host() + "/os/gone").out().lines()).containsExactlyInAnyOrder("v1", "v2");
            CliRunner.Result deleted = CliRunner.inProcess("delete", "-q", registry.host() + "/os/gone:v2");
            assertThat(deleted.exitCode()).as(deleted.err()).isZero();
            assertThat(deleted.out()).isEqualTo(built.out());
            // Registries delete by digest: every tag of that manifest goes with it.
            assertThat(CliRunner.inProcess("tags", registry.host() + "/os/gone").out()).isEmpty();
            assertThat(CliRunner.inProcess("inspect", ref).exitCode()).isEqualTo(1);
            assertThat(CliRunner.inProcess("tags", dir.toString()).err()).contains("is a layout directory");
        }
    }

    @Test
    void versionCommandMatchesVersionOption() {
        assertThat(CliRunner.inProcess("version").out()).isEqualTo(CliRunner.inProcess("--version").out()).startsWith("osimg ");
    }

    @Test
    void serveNamesTheAddressThatIsInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String addr = "127.0.0.1:" + taken.getLocalPort();
            assertThat(CliRunner.inProcess("build", "-q", "--out", dir.resolve("img").toString(), "--payload", "system=" + system)
                    .exitCode()).isZero();
            CliRunner.Result r = CliRunner.inProcess("serve", "--addr", addr, "--repo", "os=" + dir.resolve("img"));
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err().strip()).isEqualTo("osimg: error: --addr " + addr
                    + ": the address is already in use (or not one of this machine's)");
        }
    }
}
