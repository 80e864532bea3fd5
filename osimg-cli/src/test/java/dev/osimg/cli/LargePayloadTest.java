package dev.osimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 4 GiB payload builds and verifies in a JVM limited to 256 MiB of heap: payloads stream. */
class LargePayloadTest {
    private static final long FOUR_GIB = 4L << 30;

    @TempDir
    Path dir;

    @Test
    void fourGibPayloadBuildsAndVerifiesWithA256MibHeap() throws Exception {
        Path payload = dir.resolve("system.img");
        try (RandomAccessFile file = new RandomAccessFile(payload.toFile(), "rw")) {
            // Sparse: the length costs no disk, and the content (zeros with a marker) still has to be read and hashed.
            file.setLength(FOUR_GIB);
            file.seek(FOUR_GIB - 7);
            file.write("the end".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        List<String> smallHeap = List.of("-Xmx256m");
        CliRunner.Result built = CliRunner.run(smallHeap, "build", "--quiet", "--out", dir.resolve("img").toString(),
                "--payload", "system=" + payload, "--compression", "zstd:1");
        assertThat(built.exitCode()).as(built.err()).isZero();
        CliRunner.Result verified = CliRunner.run(smallHeap, "verify", "--json", dir.resolve("img").toString());
        assertThat(verified.exitCode()).as(verified.err()).isZero();
        assertThat(verified.out()).contains("\"bytes\" : " + FOUR_GIB).contains("\"chunks\" : 4096");
    }
}
