package dev.osimg.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osimg.oci.ImageReference;
import dev.osimg.oci.OciLayout;
import dev.osimg.osimage.BuildResult;
import dev.osimg.osimage.Compression;
import dev.osimg.osimage.OsImage;
import dev.osimg.osimage.OsImageBuilder;
import dev.osimg.osimage.Payload;
import dev.osimg.osimage.PayloadVerificationException;
import dev.osimg.osimage.ProductInfo;
import dev.osimg.osimage.SeekTable;
import dev.osimg.transfer.DeltaFetch;
import dev.osimg.transfer.DeltaListener;
import dev.osimg.transfer.DeltaPlan;
import dev.osimg.transfer.DeltaPlanner;
import dev.osimg.transfer.DeltaPull;
import dev.osimg.transfer.LocalChunks;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Delta pulls and content updates through the real distribution registry, with every response
 * byte counted by a proxy: only changed chunks (plus manifest, config and seek table) move, the
 * result is byte-identical to a full pull, damaged local data is fetched instead, and a registry
 * that ignores Range still gives the right result.
 */
class DeltaTransferTest {
    private static final int MIB = 1 << 20;
    /** Small enough for CI, large enough that 1 % slack is far below one chunk (bench/delta.sh runs 256 MiB and more). */
    private static final int SYSTEM_MIB = 48;

    @TempDir
    static Path shared;
    @TempDir
    Path tmp;

    private static DistributionRegistry registry;
    private static FaultProxy proxy;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = DistributionRegistry.start(shared.resolve("reg"), null);
        proxy = FaultProxy.start(registry.host());
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        proxy.close();
        registry.close();
    }

    private RegistryOptions options() {
        return RegistryOptions.defaults().withDockerConfig(tmp.resolve("no-docker-config.json"));
    }

    /** A system image whose chunks compress about 2:1 (half random, half text), reproducible per chunk seed. */
    static byte[] chunkContent(long seed) {
        byte[] chunk = new byte[MIB];
        Random random = new Random(seed);
        for (int i = 0; i < MIB; i += 64) {
            if ((i / 64) % 2 == 0) {
                random.nextBytes(java.util.Arrays.copyOfRange(chunk, i, i + 64));
                for (int k = 0; k < 64; k++) {
                    chunk[i + k] = (byte) random.nextInt();
                }
            } else {
                for (int k = 0; k < 64; k++) {
                    chunk[i + k] = (byte) ("root filesystem line " + i).charAt(k % 20);
                }
            }
        }
        return chunk;
    }

    static void writeSystem(Path file, List<Long> chunkSeeds, int tail) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long seed : chunkSeeds) {
                out.write(chunkContent(seed));
            }
            out.write(chunkContent(-chunkSeeds.getFirst()), 0, tail);
        }
    }

    static BuildResult build(Path dir, List<Long> chunkSeeds, Compression compression, String tag) throws IOException {
        Files.createDirectories(dir);
        Path kernel = dir.resolve("kernel.efi");
        Files.write(kernel, java.util.Arrays.copyOf(chunkContent(7), 300_000));
        Path system = dir.resolve("system");
        writeSystem(system, chunkSeeds, 12_345);
        return new OsImageBuilder().payload("kernel.efi", kernel).payload("system", system)
                .productInfo(new ProductInfo("delta", "Delta OS", tag, "x86_64", "", "", false, List.of()))
                .compression(compression).tag(tag).build(dir.resolve("layout"));
    }

    static List<Long> seeds(long first, int count) {
        List<Long> seeds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            seeds.add(first + i);
        }
        return seeds;
    }

    private static Compression compression(String name) {
        return name.equals("none") ? new Compression.None() : new Compression.Zstd(3, true);
    }

    /** The stored size of the chunks of {@code next} that {@code old} does not have, plus manifest, config and seek tables. */
    static long changedStoredBytesPlusMetadata(Path oldLayout, Path newLayout) throws IOException {
        OsImage old = OsImage.read(OciLayout.open(oldLayout).image(null));
        OsImage next = OsImage.read(OciLayout.open(newLayout).image(null));
        Set<String> oldHashes = new HashSet<>();
        old.payloads().forEach(p -> oldHashes.addAll(p.info().chunkHashes()));
        long total = next.image().manifestBytes().length + next.configBytes().length;
        for (Payload p : next.payloads()) {
            SeekTable table = p.readSeekTable().orElse(null);
            if (table != null) {
                total += table.size();
            }
            List<String> hashes = p.info().chunkHashes();
            for (int i = 0; i < hashes.size(); i++) {
                if (!oldHashes.contains(hashes.get(i))) {
                    total += table != null ? table.frames().get(i).compressedSize() : Math.min(MIB, p.size() - (long) i * MIB);
                }
            }
        }
        return total;
    }

    /** Pushes {@code built} straight to the registry (not through the proxy) as {@code repo:tag}. */
    private void push(BuildResult built, String repo) throws IOException {
        DistributionInteropTest.copy("oci:" + built.layout() + ":" + built.tag(), registry.host() + "/" + repo + ":" + built.tag(), options());
    }

    private record Pulled(DeltaPull.Result result, long wireBytes, List<String> fallbacks) {
    }

    private Pulled deltaPull(String repo, String tag, Path oldLayout, Path into) throws IOException {
        LocalChunks local = new LocalChunks(MIB);
        local.addLayout(oldLayout);
        List<String> fallbacks = Collections.synchronizedList(new ArrayList<>());
        DeltaListener listener = new DeltaListener() {
            @Override
            public void fallback(String payload, String reason) {
                fallbacks.add(payload + ": " + reason);
            }
        };
        long before = proxy.bodyBytes.get();
        try (RegistryClient client = new RegistryClient(options())) {
            var image = client.open((ImageReference.Registry) ImageReference.parse(proxy.host() + "/" + repo + ":" + tag));
            DeltaPull.Result result = new DeltaPull(4, listener).pull(image, into, tag, local);
            return new Pulled(result, proxy.bodyBytes.get() - before, fallbacks);
        }
    }

    private static void assertSameLayoutContent(Path pulled, Path built) throws IOException {
        OsImage a = OsImage.read(OciLayout.open(pulled).image(null));
        OsImage b = OsImage.read(OciLayout.open(built).image(null));
        assertThat(a.image().manifestDigest()).isEqualTo(b.image().manifestDigest());
        for (Payload p : b.payloads()) {
            assertThat(Files.mismatch(OciLayout.blobPath(pulled, p.layer().digest()), OciLayout.blobPath(built, p.layer().digest())))
                    .as("blob of %s", p.name()).isEqualTo(-1);
        }
        for (Payload p : a.payloads()) {
            p.verify(dev.osimg.blob.Progress.NONE);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "seekable"})
    void fetchesOnlyChangedChunksForOneChangedAnInsertedRunAndEverythingChanged(String kind) throws Exception {
        String repo = "delta/" + kind;
        List<Long> base = seeds(1000, SYSTEM_MIB);
        BuildResult old = build(tmp.resolve("old"), base, compression(kind), "v1");

        List<Long> oneChanged = new ArrayList<>(base);
        oneChanged.set(20, 5000L);
        List<Long> inserted = new ArrayList<>(base);
        inserted.addAll(30, seeds(6000, 5));
        List<Long> allChanged = seeds(9000, SYSTEM_MIB);

        int version = 2;
        for (List<Long> next : List.of(oneChanged, inserted, allChanged)) {
            String tag = "v" + version++;
            BuildResult built = build(tmp.resolve(tag), next, compression(kind), tag);
            push(built, repo);
            Pulled pulled = deltaPull(repo, tag, old.layout(), tmp.resolve("pulled-" + tag));

            assertSameLayoutContent(tmp.resolve("pulled-" + tag), built.layout());
            assertThat(pulled.fallbacks()).isEmpty();
            long bound = changedStoredBytesPlusMetadata(old.layout(), built.layout());
            assertThat(pulled.wireBytes()).as("%s %s: bytes through the proxy", kind, tag).isLessThanOrEqualTo(bound + bound / 100);
            DeltaPlan plan = pulled.result().plan();
            assertThat(plan.bytesToFetch()).isEqualTo(pulled.wireBytes());
            int expectedFetched = switch (tag) {
                case "v2" -> 1;
                case "v3" -> 5;
                default -> SYSTEM_MIB + 1;   // the short last chunk too
            };
            assertThat(plan.payloads().get(1).chunksToFetch()).as(tag).isEqualTo(expectedFetched);
            assertThat(plan.payloads().get(0).chunksToFetch()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "seekable"})
    void corruptLocalChunkIsDetectedAndFetched(String kind) throws Exception {
        String repo = "corrupt/" + kind;
        List<Long> base = seeds(1000, 16);
        BuildResult old = build(tmp.resolve("old"), base, compression(kind), "v1");
        List<Long> next = new ArrayList<>(base);
        next.set(3, 4242L);
        BuildResult built = build(tmp.resolve("new"), next, compression(kind), "v2");
        push(built, repo);

        // Flip one byte of old chunk 9 as stored (inside frame 9 for seekable zstd).
        OsImage oldImage = OsImage.read(OciLayout.open(old.layout()).image(null));
        Payload oldSystem = oldImage.payload("system");
        long at = oldSystem.readSeekTable().map(t -> t.frameOffset(9) + t.frames().get(9).compressedSize() / 2).orElse(9L * MIB + 77);
        Path blob = OciLayout.blobPath(old.layout(), oldSystem.layer().digest());
        blob.toFile().setWritable(true);
        try (FileChannel c = FileChannel.open(blob, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            c.read(one, at);
            one.put(0, (byte) (one.get(0) ^ 0x10)).rewind();
            c.write(one, at);
        }

        Pulled pulled = deltaPull(repo, "v2", old.layout(), tmp.resolve("pulled"));
        assertSameLayoutContent(tmp.resolve("pulled"), built.layout());
        assertThat(pulled.result().plan().payloads().get(1).chunksToFetch()).isEqualTo(2);
    }

    @Test
    void registryIgnoringRangeStillGivesTheRightImageWithOneFallbackLine() throws Exception {
        List<Long> base = seeds(1000, 12);
        BuildResult old = build(tmp.resolve("old"), base, new Compression.None(), "v1");
        List<Long> next = new ArrayList<>(base);
        next.set(5, 31L);
        BuildResult built = build(tmp.resolve("new"), next, new Compression.None(), "v2");
        push(built, "ignores/range");
        OsImage image = OsImage.read(OciLayout.open(built.layout()).image(null));
        proxy.targetBlob = image.payload("system").layer().digest().toString();
        proxy.ignoreRange = true;
        try {
            Pulled pulled = deltaPull("ignores/range", "v2", old.layout(), tmp.resolve("pulled"));
            assertSameLayoutContent(tmp.resolve("pulled"), built.layout());
            assertThat(pulled.fallbacks()).hasSize(1);
            assertThat(pulled.fallbacks().getFirst()).startsWith("system: ").contains("answered 200 to a Range request");
        } finally {
            proxy.ignoreRange = false;
            proxy.targetBlob = null;
        }
    }

    @Test
    void fetchedChunkIsVerifiedBeforeItIsWrittenAndNothingAppears() throws Exception {
        List<Long> base = seeds(1000, 8);
        BuildResult old = build(tmp.resolve("old"), base, new Compression.Zstd(3, true), "v1");
        List<Long> next = new ArrayList<>(base);
        next.set(2, 77L);
        BuildResult built = build(tmp.resolve("new"), next, new Compression.Zstd(3, true), "v2");
        push(built, "flipped/byte");
        Payload system = OsImage.read(OciLayout.open(built.layout()).image(null)).payload("system");
        SeekTable table = system.readSeekTable().orElseThrow();
        proxy.targetBlob = system.layer().digest().toString();
        proxy.flipByteAt = table.frameOffset(2) + table.frames().get(2).compressedSize() / 2;
        try {
            assertThatThrownBy(() -> deltaPull("flipped/byte", "v2", old.layout(), tmp.resolve("pulled")))
                    .isInstanceOf(PayloadVerificationException.class)
                    .hasMessageContaining("payload \"system\": chunk 2 of 9 failed verification");
            assertThat(tmp.resolve("pulled")).doesNotExist();
            try (var left = Files.list(tmp)) {
                assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".osimg-tmp-"));
            }
        } finally {
            proxy.flipByteAt = -1;
            proxy.targetBlob = null;
        }
    }

    /** What an A/B update does with the planner: the old slot's content as local data, the new content written in place. */
    @ParameterizedTest
    @ValueSource(strings = {"none", "seekable"})
    void contentUpdateFromAnOldSlotWritesTheNewContentFetchingOnlyChangedChunks(String kind) throws Exception {
        String repo = "slot/" + kind;
        List<Long> base = seeds(1000, 24);
        BuildResult old = build(tmp.resolve("old"), base, compression(kind), "v1");
        List<Long> next = new ArrayList<>(base);
        next.set(11, 1111L);
        next.set(12, 1212L);
        BuildResult built = build(tmp.resolve("new"), next, compression(kind), "v2");
        push(built, repo);

        // A disk image whose "running slot" at 1 MiB holds the old system, and an inactive slot after it.
        Path disk = tmp.resolve("disk.img");
        long slotSize = 32L * MIB;
        try (FileChannel c = FileChannel.open(disk, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            c.truncate(MIB + 2 * slotSize);
            c.transferFrom(FileChannel.open(tmp.resolve("old/system")), MIB, Files.size(tmp.resolve("old/system")));
        }
        LocalChunks local = new LocalChunks(MIB);
        local.addRaw(disk, MIB, Files.size(tmp.resolve("old/system")));

        long before = proxy.bodyBytes.get();
        try (RegistryClient client = new RegistryClient(options());
                FileChannel target = FileChannel.open(disk, StandardOpenOption.WRITE)) {
            var image = OsImage.read(client.open((ImageReference.Registry) ImageReference.parse(proxy.host() + "/" + repo + ":v2")));
            DeltaPlan plan = DeltaPlanner.plan(image, local, DeltaPlanner.Output.CONTENT);
            assertThat(plan.payloads().get(1).chunksToFetch()).isEqualTo(2);
            DeltaFetch fetch = new DeltaFetch(4, DeltaListener.NONE);
            long slotB = MIB + slotSize;
            fetch.writeContent(plan.payloads().get(1),
                    (offset, data) -> {
                        while (data.hasRemaining()) {
                            offset += target.write(data, slotB + offset);
                        }
                    });
            long wire = proxy.bodyBytes.get() - before;
            long bound = changedStoredBytesPlusMetadata(old.layout(), built.layout());
            assertThat(wire).isLessThanOrEqualTo(bound + bound / 100);
        }
        byte[] newSystem = Files.readAllBytes(tmp.resolve("new/system"));
        byte[] slot = new byte[newSystem.length];
        try (FileChannel c = FileChannel.open(disk, StandardOpenOption.READ)) {
            c.read(ByteBuffer.wrap(slot), MIB + slotSize);
        }
        assertThat(slot).isEqualTo(newSystem);
    }
}
