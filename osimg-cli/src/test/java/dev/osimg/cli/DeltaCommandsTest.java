package dev.osimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.osimg.registry.DistributionRegistry;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pull --reuse and inspect --diff from the command line against the real distribution registry. */
class DeltaCommandsTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path tmp;

    private static void writeSystem(Path file, int changedChunk) throws Exception {
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] chunk = new byte[MIB];
            for (int i = 0; i < 12; i++) {
                new Random(i == changedChunk ? 999 : i).nextBytes(chunk);
                out.write(chunk);
            }
        }
    }

    private CliRunner.Result ok(String... args) throws Exception {
        CliRunner.Result r = CliRunner.run(args);
        assertThat(r.exitCode()).as("%s\n%s", String.join(" ", args), r.err()).isZero();
        return r;
    }

    @Test
    void pullReusesAnOldLayoutAndInspectDiffShowsTheSamePlan() throws Exception {
        try (DistributionRegistry registry = DistributionRegistry.start(tmp.resolve("reg"), null)) {
            TestKernel.write(tmp.resolve("kernel.efi"), 3, 1);
            writeSystem(tmp.resolve("system-1"), -1);
            writeSystem(tmp.resolve("system-2"), 7);
            Path old = tmp.resolve("old");
            ok("build", "-q", "-o", old.toString(), "-p", "kernel.efi=" + tmp.resolve("kernel.efi"),
                    "-p", "system=" + tmp.resolve("system-1"), "--tag", "v1");
            String ref = registry.host() + "/os/delta:v2";
            JsonNode built = JsonMapper.builder().build().readTree(ok("build", "-q", "--json", "-o", ref,
                    "-p", "kernel.efi=" + tmp.resolve("kernel.efi"), "-p", "system=" + tmp.resolve("system-2")).out());

            JsonNode diff = JsonMapper.builder().build().readTree(ok("inspect", "--json", "--diff", old.toString(), ref).out());
            assertThat(diff.path("plan").path("chunks_total").asInt()).isEqualTo(13);
            assertThat(diff.path("plan").path("chunks_to_fetch").asInt()).isEqualTo(1);

            Path pulled = tmp.resolve("pulled");
            JsonNode pull = JsonMapper.builder().build().readTree(ok("pull", "--json", ref, pulled.toString(), "--reuse", old.toString()).out());
            assertThat(pull.path("digest").asText()).isEqualTo(built.path("digest").asText());
            assertThat(pull.path("plan").path("chunks_local").asInt()).isEqualTo(12);
            assertThat(pull.path("plan").path("chunks_to_fetch").asInt()).isEqualTo(1);
            assertThat(pull.path("plan").path("bytes_to_fetch").asLong()).isEqualTo(diff.path("plan").path("bytes_to_fetch").asLong());
            assertThat(pull.path("bytes_fetched").asLong()).isEqualTo(pull.path("plan").path("bytes_to_fetch").asLong())
                    .isLessThan(2 * MIB);
            assertThat(ok("verify", "-q", pulled.toString()).out()).contains(built.path("digest").asText());

            CliRunner.Result humanPull = ok("pull", ref, tmp.resolve("pulled-again").toString(), "--reuse", old.toString());
            assertThat(humanPull.out()).contains("payload system").contains("11 local, 1 to fetch in 1 range").contains("Delta: 12 of 13 chunks local");
            assertThat(ok("inspect", "--diff", old.toString(), ref).out()).contains("11 local, 1 to fetch");

            // osimg update from the registry onto a disk holding the old image: only the changed chunk is fetched.
            Path loader = Files.write(tmp.resolve("loader.efi"), new byte[60_000]);
            Path disk = tmp.resolve("disk.img");
            ok("install", "oci:" + old, "--disk", disk.toString(), "--loader", loader.toString(), "--esp-size", "40",
                    "--system-size", "16", "--data-size", "0", "-q");
            JsonNode update = JsonMapper.builder().build().readTree(ok("update", ref, "--disk", disk.toString(), "--json").out());
            assertThat(update.path("slot").asText()).isEqualTo("b");
            assertThat(update.path("delta").path("payloads").get(1).path("chunks_to_fetch").asInt()).isEqualTo(1);
            assertThat(update.path("delta").path("payloads").get(1).path("chunks_local").asInt()).isEqualTo(11);
            CliRunner.Result human = ok("update", ref, "--disk", disk.toString());
            assertThat(human.err()).contains("Delta plan for slot B").contains("12 local, 0 to fetch");

            CliRunner.Result fromLayout = CliRunner.run("pull", "oci:" + old, tmp.resolve("x").toString(), "--reuse", old.toString());
            assertThat(fromLayout.exitCode()).isEqualTo(2);
            assertThat(fromLayout.err()).contains("--reuse pulls from a registry");
        }
    }
}
