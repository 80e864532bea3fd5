package dev.osimg.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osimg.blob.Progress;
import dev.osimg.digest.Digest;
import dev.osimg.osimage.BuildResult;
import dev.osimg.osimage.Compression;
import dev.osimg.osimage.OsImage;
import dev.osimg.osimage.OsImageBuilder;
import dev.osimg.osimage.Payload;
import dev.osimg.transfer.ImageCopy;
import dev.osimg.transfer.ImageSources;
import dev.osimg.transfer.Images;
import dev.osimg.registry.RegistryClient;
import dev.osimg.registry.RegistryOptions;
import dev.osimg.testing.StaleTemporaries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several writers into one layout, damaged blobs, what killed writers leave, layout versions and permissions. */
class LayoutWritersTest {
    @TempDir
    Path dir;

    private Path payload(String name, int size, long seed) throws IOException {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return Files.write(dir.resolve(name), bytes);
    }

    private static BuildResult build(Path out, Path payload, String tag, Compression compression) throws IOException {
        return new OsImageBuilder().payload("system", payload).compression(compression).tag(tag).build(out);
    }

    private static Set<String> tags(Path layout) throws IOException {
        return OciLayout.open(layout).index().manifests().stream()
                .map(d -> d.annotation(MediaTypes.REF_NAME_ANNOTATION)).filter(Objects::nonNull)
                .collect(java.util.stream.Collectors.toSet());
    }

    private static List<String> hiddenEntries(Path... dirs) throws IOException {
        List<String> hidden = new ArrayList<>();
        for (Path d : dirs) {
            try (Stream<Path> s = Files.list(d)) {
                s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).forEach(hidden::add);
            }
        }
        return hidden;
    }

    private void buildConcurrently(Path out, int writers) throws Exception {
        List<Path> payloads = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            payloads.add(payload("p" + i, 200_000 + i, i));
        }
        List<Future<BuildResult>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            for (int i = 0; i < writers; i++) {
                int n = i;
                Callable<BuildResult> task = () -> build(out, payloads.get(n), "t" + n, new Compression.None());
                results.add(pool.submit(task));
            }
        }
        for (Future<BuildResult> f : results) {
            f.get();
        }
    }

    @Test
    void concurrentWritersIntoOneLayoutKeepEveryTag() throws Exception {
        Path out = dir.resolve("layout");
        build(out, payload("base", 1000, 99), "base", new Compression.None());
        buildConcurrently(out, 8);
        assertThat(tags(out)).containsExactlyInAnyOrder("base", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7");
        assertThat(hiddenEntries(out, out.resolve("blobs/sha256"), dir)).isEmpty();
    }

    @Test
    void concurrentWritersIntoOneNewDirectoryKeepEveryTag() throws Exception {
        Path out = dir.resolve("new-layout");
        buildConcurrently(out, 6);
        assertThat(tags(out)).containsExactlyInAnyOrder("t0", "t1", "t2", "t3", "t4", "t5");
        for (Descriptor d : OciLayout.open(out).index().manifests()) {
            OsImage image = OsImage.read(OciLayout.open(out).image(d.annotation(MediaTypes.REF_NAME_ANNOTATION)));
            image.payload("system").verify(Progress.NONE);
        }
        assertThat(hiddenEntries(out, out.resolve("blobs/sha256"), dir)).isEmpty();
    }

    @Test
    void taglessWritesAddToTheIndexInsteadOfReplacingIt() throws Exception {
        Path out = dir.resolve("layout");
        BuildResult tagged = build(out, payload("a", 1000, 1), "a", new Compression.None());
        BuildResult untagged = build(out, payload("b", 2000, 2), null, new Compression.None());
        build(out, payload("b2", 2000, 2), null, new Compression.None());
        List<Descriptor> entries = OciLayout.open(out).index().manifests();
        assertThat(entries).extracting(Descriptor::digest)
                .containsExactly(tagged.manifestDescriptor().digest(), untagged.manifestDescriptor().digest());
        assertThat(tags(out)).containsExactly("a");
    }

    private static void damage(Path blob, boolean truncate) throws IOException {
        byte[] bytes = Files.readAllBytes(blob);
        Files.delete(blob);
        if (truncate) {
            Files.write(blob, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        } else {
            bytes[bytes.length / 2] ^= 1;
            Files.write(blob, bytes);
        }
    }

    @Test
    void aDamagedBlobIsReplacedByTheNextBuildNotReused() throws Exception {
        int round = 0;
        for (Compression compression : List.of(new Compression.None(), new Compression.Zstd(1), new Compression.Zstd(1, true))) {
            for (boolean truncate : List.of(false, true)) {
                Path out = dir.resolve("layout-" + round++);
                Path input = payload("in", 3 << 20, 5);
                BuildResult first = build(out, input, "v1", compression);
                Digest layer = first.manifest().layers().getFirst().digest();
                damage(OciLayout.blobPath(out, layer), truncate);
                Digest config = first.manifest().config().digest();
                damage(OciLayout.blobPath(out, config), truncate);
                build(out, input, "v1", compression);
                OsImage image = OsImage.read(OciLayout.open(out).image("v1"));
                for (Payload p : image.payloads()) {
                    p.verify(Progress.NONE);
                }
                assertThat(Digest.of(Files.readAllBytes(OciLayout.blobPath(out, layer)))).isEqualTo(layer);
            }
        }
    }

    @Test
    void aDamagedBlobIsReplacedByTheNextCopyNotReused() throws Exception {
        Path source = dir.resolve("source");
        BuildResult built = build(source, payload("in", 3 << 20, 6), "v1", new Compression.Zstd(1));
        Path destination = dir.resolve("destination");
        copy(source, destination);
        Digest layer = built.manifest().layers().getFirst().digest();
        damage(OciLayout.blobPath(destination, layer), false);
        copy(source, destination);
        OsImage.read(OciLayout.open(destination).image("v1")).payload("system").verify(Progress.NONE);
    }

    private static void copy(Path from, Path to) throws IOException {
        try (RegistryClient client = new RegistryClient(RegistryOptions.defaults())) {
            OciImage image = ImageSources.open(new ImageReference.Layout(from, "v1"), client);
            try (ImageSink sink = Images.sink(new ImageReference.Layout(to, "v1"), client, image, "v1")) {
                new ImageCopy(2, Progress.NONE).copy(image, sink);
            }
        }
    }

    @Test
    void whatKilledWritersLeftIsSweptByTheNextWriterIntoThePlace() throws Exception {
        Path out = dir.resolve("layout");
        build(out, payload("a", 1000, 1), "a", new Compression.None());
        Path staleDir = Files.createDirectories(dir.resolve(StaleTemporaries.ofExitedProcess("layout")).resolve("blobs/sha256"));
        Files.write(staleDir.resolve("big"), new byte[100_000]);
        Path staleBlob = Files.write(out.resolve("blobs/sha256").resolve(StaleTemporaries.ofExitedProcess("blob")), new byte[10]);
        Path staleIndex = Files.write(out.resolve(StaleTemporaries.ofExitedProcess("index.json")), new byte[10]);
        Path live = Files.write(out.resolve("blobs/sha256").resolve(StaleTemporaries.ofThisProcess("blob")), new byte[10]);
        Path reusedPid = Files.write(out.resolve("blobs/sha256").resolve(
                StaleTemporaries.name(ProcessHandle.current().pid(), 12345, "blob")), new byte[10]);

        build(out, payload("b", 1000, 2), "b", new Compression.None());

        assertThat(staleDir.getParent().getParent()).doesNotExist();
        assertThat(staleBlob).doesNotExist();
        assertThat(staleIndex).doesNotExist();
        assertThat(reusedPid).as("same PID, other start time: its owner is gone").doesNotExist();
        assertThat(live).as("a running writer's temporary").exists();
    }

    @Test
    void aLayoutOfAnotherVersionIsRefusedClearly() throws Exception {
        Path out = dir.resolve("layout");
        build(out, payload("a", 1000, 1), "a", new Compression.None());
        Files.writeString(out.resolve("oci-layout"), "{\"imageLayoutVersion\": \"2.0.0\"}");
        byte[] index = Files.readAllBytes(out.resolve("index.json"));
        assertThatThrownBy(() -> OciLayout.open(out)).isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("imageLayoutVersion is \"2.0.0\"").hasMessageContaining("1.0.0 only");
        assertThatThrownBy(() -> build(out, payload("b", 1000, 2), "b", new Compression.None()))
                .isInstanceOf(InvalidImageException.class).hasMessageContaining("imageLayoutVersion is \"2.0.0\"");
        assertThat(Files.readAllBytes(out.resolve("index.json"))).isEqualTo(index);
        Files.writeString(out.resolve("oci-layout"), "{\"imageLayoutVersion\": 1}");
        assertThatThrownBy(() -> OciLayout.open(out)).isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("has no imageLayoutVersion string");
        Files.writeString(out.resolve("oci-layout"), "{oops");
        assertThatThrownBy(() -> OciLayout.open(out)).isInstanceOf(InvalidImageException.class)
                .hasMessageContaining("oci-layout is not valid JSON");
    }

    @Test
    void layoutFilesFollowTheUmask() throws Exception {
        int umask = Integer.parseInt(dev.osimg.testing.Tools.ok("sh", "-c", "umask").strip(), 8);
        Path out = dir.resolve("layout");
        build(out, payload("a", 1000, 1), "a", new Compression.None());
        build(out, payload("b", 1000, 2), "b", new Compression.Zstd(1));
        try (Stream<Path> all = Files.walk(out)) {
            for (Path p : all.toList()) {
                int expected = (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? 0777 : 0666) & ~umask;
                assertThat(mode(p)).as(p + " (umask %o)", umask).isEqualTo(expected);
            }
        }
    }

    private static int mode(Path p) throws IOException {
        // PosixFilePermission runs from OWNER_READ (bit 8) to OTHERS_EXECUTE (bit 0).
        int mode = 0;
        for (PosixFilePermission perm : Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)) {
            mode |= 1 << (8 - perm.ordinal());
        }
        return mode;
    }
}
