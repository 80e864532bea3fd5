package dev.osimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code build --product-info FILE}: decoded as the reference decodes it, read with a size cap. */
class ProductInfoFileTest {
    @TempDir
    Path dir;

    private InstallCommandTest.Run build(Path productInfo) throws Exception {
        Path payload = Files.write(dir.resolve("system"), new byte[] {1, 2, 3});
        return InstallCommandTest.osimg("build", "-q", "-o", dir.resolve("img").toString(), "-p", "system=" + payload,
                "--product-info", productInfo.toString());
    }

    @Test
    void aFileWithSomeKeysIsValid() throws Exception {
        Path info = Files.writeString(dir.resolve("info.json"),
                "{\"ID\": \"os\", \"name\": \"OS\", \"version\": \"1.2\", \"variant\": \"x86_64\", \"unknown\": [1]}\n");
        InstallCommandTest.Run built = build(info);
        assertThat(built.exitCode()).as(built.err()).isZero();
        InstallCommandTest.Run inspected = InstallCommandTest.osimg("inspect", "--json", dir.resolve("img").toString());
        assertThat(inspected.out()).contains("\"id\" : \"os\"").contains("\"version\" : \"1.2\"");
    }

    @Test
    void anEndlessFileIsRefusedAfterTheCap() throws Exception {
        InstallCommandTest.Run built = build(Path.of("/dev/zero"));
        assertThat(built.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(built.err()).contains("--product-info /dev/zero is larger than 1048576 bytes").doesNotContain("Exception")
                .doesNotContain("OutOfMemory");
        assertThat(dir.resolve("img")).doesNotExist();
    }

    @Test
    void wrongTypesTrailingDataAndNullAreRefusedInPlainWords() throws Exception {
        for (String bad : new String[] {"{\"id\": 5}", "{\"id\": \"os\"}{}", "null"}) {
            InstallCommandTest.Run built = build(Files.writeString(dir.resolve("bad.json"), bad));
            assertThat(built.exitCode()).as(bad).isEqualTo(ExitCodes.USAGE);
            assertThat(built.err()).as(bad).startsWith("osimg: error: --product-info ").doesNotContain("`")
                    .doesNotContain("Cannot");
        }
    }
}
