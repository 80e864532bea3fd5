package dev.osimg.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osimg.osimage.OsImageBuilder;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Layout writing never leaves anything that looks complete after a failure, and never rewrites blobs. */
class OciLayoutWriterTest {
    @TempDir
    Path dir;

    private static long entries(Path p) throws IOException {
        try (Stream<Path> s = Files.list(p)) {
            return s.count();
        }
    }

    @Test
    void failedBuildIntoNewDirectoryLeavesNothing() throws IOException {
        Path good = Files.write(dir.resolve("good"), new byte[1000]);
        Path out = dir.resolve("out");
        OsImageBuilder builder = new OsImageBuilder()
                .payload("kernel.efi", good)
                .payload("system", dir.resolve("missing"));
        assertThatThrownBy(() -> builder.build(out))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("payload \"system\" does not exist");
        assertThat(out).doesNotExist();
        assertThat(entries(dir)).isEqualTo(1);
    }

    @Test
    void payloadThatShrinksDuringTheBuildFailsAndLeavesNothing() throws IOException {
        Path payload = Files.write(dir.resolve("payload"), new byte[3 << 20]);
        Path out = dir.resolve("out");
        OsImageBuilder builder = new OsImageBuilder().payload("system", payload)
                .progress(new dev.osimg.blob.Progress() {
                    @Override
                    public void begin(String step, long totalBytes) {
                        try (var ch = java.nio.channels.FileChannel.open(payload, java.nio.file.StandardOpenOption.WRITE)) {
                            ch.truncate(1 << 20);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                });
        assertThatThrownBy(() -> builder.build(out))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("changed during the build");
        assertThat(out).doesNotExist();
    }

    @Test
    void existingBlobsAreReusedNotRewritten() throws IOException {
        Path payload = Files.write(dir.resolve("payload"), new byte[5000]);
        Path out = dir.resolve("out");
        var first = new OsImageBuilder().payload("system", payload).compression(new dev.osimg.osimage.Compression.None())
                .tag("a").build(out);
        Path blob = OciLayout.blobPath(out, first.manifest().layers().getFirst().digest());
        Object inode = Files.readAttributes(blob, BasicFileAttributes.class).fileKey();
        var second = new OsImageBuilder().payload("system", payload).compression(new dev.osimg.osimage.Compression.None())
                .tag("b").build(out);
        assertThat(second.manifest().layers()).isEqualTo(first.manifest().layers());
        assertThat(Files.readAttributes(blob, BasicFileAttributes.class).fileKey()).isEqualTo(inode);
        assertThat(OciLayout.open(out).index().manifests()).hasSize(2);
        try (Stream<Path> files = Files.list(out.resolve("blobs/sha256"))) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
        }
    }

    @Test
    void refusesToWriteIntoAnUnrelatedDirectory() throws IOException {
        Path out = Files.createDirectories(dir.resolve("photos"));
        Path precious = Files.writeString(out.resolve("holiday.jpg"), "not a layout");
        Path payload = Files.write(dir.resolve("payload"), new byte[10]);
        assertThatThrownBy(() -> new OsImageBuilder().payload("system", payload).build(out))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining("not an OCI layout");
        assertThat(entries(out)).isEqualTo(1);
        assertThat(Files.readString(precious)).isEqualTo("not a layout");
    }

    @Test
    void refusesToWriteOverAFile() throws IOException {
        Path out = Files.writeString(dir.resolve("file"), "data");
        Path payload = Files.write(dir.resolve("payload"), new byte[10]);
        assertThatThrownBy(() -> new OsImageBuilder().payload("system", payload).build(out))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(out)).isEqualTo("data");
    }
}
