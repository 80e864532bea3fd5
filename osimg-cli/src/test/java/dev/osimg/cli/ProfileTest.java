package dev.osimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --profile generic and the config file: what an installed disk is named and typed, and where it shows. */
class ProfileTest {
    private static final JsonMapper JSON = new JsonMapper();

    @TempDir
    static Path fixtures;

    @TempDir
    Path dir;

    @BeforeAll
    static void buildImage() throws Exception {
        TestKernel.write(fixtures.resolve("kernel.efi"), 200_000, 1);
        byte[] system = new byte[1 << 20];
        new Random(2).nextBytes(system);
        Files.write(fixtures.resolve("system"), system);
        CliRunner.Result build = CliRunner.inProcess("build", "-q", "-o", fixtures.resolve("img").toString(), "--variant", "x86_64",
                "--compression", "none", "-p", "kernel.efi=" + fixtures.resolve("kernel.efi"), "-p", "system=" + fixtures.resolve("system"));
        assertThat(build.exitCode()).as(build.err()).isZero();
    }

    private static String image() {
        return "oci:" + fixtures.resolve("img");
    }

    @Test
    void genericProfileUsesDiscoverablePartitionTypesAndNeutralNames() throws Exception {
        Path disk = dir.resolve("generic.img");
        CliRunner.Result run = CliRunner.inProcess("install", "-q", image(), "--disk", disk.toString(), "--profile", "generic",
                "--esp-size", "40", "--system-size", "4", "--data-size", "4");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo(disk + "\n");
        String table = InstallCommandTest.tool("sgdisk", "-p", disk.toString());
        assertThat(table).contains(" esp").contains(" root-a").contains(" root-b").contains(" var").doesNotContain("METROPOLIS");
        assertThat(InstallCommandTest.tool("sgdisk", "-i", "2", disk.toString()))
                .contains("4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709").contains("'root-a'");
        assertThat(InstallCommandTest.tool("sgdisk", "-i", "3", disk.toString())).contains("4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709");
        assertThat(InstallCommandTest.tool("sgdisk", "-i", "4", disk.toString())).contains("4D21B016-B534-45C2-A9FB-5C16E091FD2D");
        Path esp = dir.resolve("esp.img");
        InstallCommandTest.tool("dd", "if=" + disk, "of=" + esp, "bs=1M", "skip=1", "count=40", "status=none");
        assertThat(InstallCommandTest.tool("fatlabel", esp.toString()).strip()).isEqualTo("ESP");

        JsonNode status = JSON.readTree(CliRunner.inProcess("status", "--json", "--disk", disk.toString()).out());
        assertThat(status.get("profile").asText()).isEqualTo("generic");
        assertThat(CliRunner.inProcess("status", "--disk", disk.toString()).out()).contains("profile  generic");

        Path metropolis = dir.resolve("metropolis.img");
        assertThat(CliRunner.inProcess("install", "-q", image(), "--disk", metropolis.toString(), "--esp-size", "40",
                "--system-size", "4", "--data-size", "4").exitCode()).isZero();
        assertThat(InstallCommandTest.tool("sgdisk", "-p", metropolis.toString())).contains("METROPOLIS-SYSTEM-A");
        assertThat(JSON.readTree(CliRunner.inProcess("status", "--json", "--disk", metropolis.toString()).out()).get("profile").asText())
                .isEqualTo("metropolis");
    }

    @Test
    void theConfigFileChoosesTheProfileAndInspectShowsIt() throws Exception {
        Path config = Files.writeString(dir.resolve("config.toml"), "# osimg\nprofile = \"generic\"  # DPS names\n");
        Map<String, String> env = Map.of("OSIMG_CONFIG", config.toString());
        CliRunner.Result inspect = CliRunner.run(env, List.of(), "inspect", image());
        assertThat(inspect.exitCode()).as(inspect.err()).isZero();
        assertThat(inspect.out()).contains("Profile:   generic (" + config + "): installs as esp, root-a, root-b, var");
        assertThat(CliRunner.inProcess("inspect", image()).out()).contains("Profile:   metropolis (default)");
        CliRunner.Result flag = CliRunner.run(env, List.of(), "inspect", "--json", "--profile", "metropolis", image());
        assertThat(JSON.readTree(flag.out()).get("install_profile").asText()).isEqualTo("metropolis");

        Path disk = dir.resolve("from-config.img");
        CliRunner.Result install = CliRunner.run(env, List.of(), "install", "-q", image(), "--disk", disk.toString(),
                "--esp-size", "40", "--system-size", "4", "--data-size", "0");
        assertThat(install.exitCode()).as(install.err()).isZero();
        assertThat(InstallCommandTest.tool("sgdisk", "-p", disk.toString())).contains(" root-a");
    }

    @Test
    void aBadConfigFileOrProfileIsAUsageErrorNamingWhere() throws Exception {
        Path config = Files.writeString(dir.resolve("config.toml"), "profile = \"generic\"\nprofil = \"x\"\n");
        CliRunner.Result r = CliRunner.run(Map.of("OSIMG_CONFIG", config.toString()), List.of(), "inspect", image());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("osimg: error: " + config + " line 2: unknown key \"profil\" (known: profile)");
        CliRunner.Result unknown = CliRunner.inProcess("inspect", "--profile", "debian", image());
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err().strip()).isEqualTo("osimg: error: unknown profile \"debian\"; use metropolis or generic");
    }
}
