package dev.osimg.ab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osimg.blob.Progress;
import dev.osimg.install.DiskInstaller;
import dev.osimg.install.InstallOptions;
import dev.osimg.install.LoaderState.Slot;
import dev.osimg.install.PartitionRole;
import dev.osimg.install.PartitionSpec;
import dev.osimg.oci.ImageReference;
import dev.osimg.oci.ImageSink;
import dev.osimg.oci.OciLayout;
import dev.osimg.osimage.Compression;
import dev.osimg.osimage.OsImage;
import dev.osimg.osimage.OsImageBuilder;
import dev.osimg.osimage.Payload;
import dev.osimg.osimage.ProductInfo;
import dev.osimg.osimage.SeekTable;
import dev.osimg.registry.DistributionRegistry;
import dev.osimg.registry.FaultProxy;
import dev.osimg.registry.RegistryClient;
import dev.osimg.registry.RegistryOptions;
import dev.osimg.transfer.DeltaListener;
import dev.osimg.transfer.DeltaPlan;
import dev.osimg.transfer.ImageCopy;
import dev.osimg.transfer.Images;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SlotUpdate} with a delta plan against the real distribution registry, bytes counted by a
 * proxy: the slot ends up byte-identical to a full update while only changed chunks (plus
 * manifest, config, seek table and the kernel) are fetched; a damaged chunk in the running slot is
 * fetched instead; a chunk found only in the slot being overwritten is set aside first; a registry
 * that ignores Range still gives the same slot.
 */
class DeltaUpdateTest {
    private static final int MIB = 1 << 20;
    private static final int SYSTEM_CHUNKS = 16;
    private static final long SLOT_MIB = 20;

    @TempDir
    static Path shared;
    @TempDir
    Path tmp;

    private static DistributionRegistry registry;
    private static FaultProxy proxy;
    private static OsImage v1;
    private static Path v1Disk;

    @BeforeAll
    static void setUp() throws Exception {
        registry = DistributionRegistry.start(shared.resolve("reg"), null);
        proxy = FaultProxy.start(registry.host());
        v1 = image(shared.resolve("v1"), seeds(100), "1");
        v1Disk = shared.resolve("v1.img");
        Path loader = Files.write(shared.resolve("loader.efi"), AbFixtures.random(50_000, 77));
        InstallOptions options = InstallOptions.defaults().withLoader(Optional.of(loader))
                .withPartition(PartitionRole.ESP, spec(PartitionRole.ESP, 40))
                .withPartition(PartitionRole.SYSTEM_A, spec(PartitionRole.SYSTEM_A, SLOT_MIB))
                .withPartition(PartitionRole.SYSTEM_B, spec(PartitionRole.SYSTEM_B, SLOT_MIB))
                .withPartition(PartitionRole.DATA, spec(PartitionRole.DATA, 0));
        DiskInstaller.toImageFile(v1, options, v1Disk, -1, false, Progress.NONE);
    }

    @AfterAll
    static void tearDown() throws Exception {
        proxy.close();
        registry.close();
    }

    private static PartitionSpec spec(PartitionRole role, long mib) {
        return new PartitionSpec(role.defaultLabel(), role.defaultType(), mib);
    }

    static List<Long> seeds(long first) {
        List<Long> seeds = new ArrayList<>();
        for (int i = 0; i < SYSTEM_CHUNKS; i++) {
            seeds.add(first + i);
        }
        return seeds;
    }

    /** A seekable-zstd image whose system chunk i is made from seed i (half random, half text), plus a 5000-byte tail. */
    static OsImage image(Path dir, List<Long> seeds, String version) throws IOException {
        Files.createDirectories(dir);
        Path system = dir.resolve("system");
        try (OutputStream out = Files.newOutputStream(system)) {
            for (long seed : seeds) {
                byte[] chunk = new byte[MIB];
                new Random(seed).nextBytes(chunk);
                java.util.Arrays.fill(chunk, MIB / 2, MIB, (byte) ('a' + seed % 26));
                out.write(chunk);
            }
            out.write(new byte[5000]);
        }
        Files.write(dir.resolve("kernel.efi"), AbFixtures.kernel(Integer.parseInt(version)));
        Path layout = dir.resolve("layout");
        new OsImageBuilder().productInfo(new ProductInfo("test", "Test OS", version, "x86_64", "", "", false, List.of()))
                .compression(new Compression.Zstd(3, true)).tag("v" + version)
                .payload("kernel.efi", dir.resolve("kernel.efi")).payload("system", system).build(layout);
        return OsImage.read(OciLayout.open(layout).image(null));
    }

    private RegistryOptions options() {
        return RegistryOptions.defaults().withDockerConfig(tmp.resolve("no-docker-config.json"));
    }

    private void push(OsImage image, String repo) throws IOException {
        try (RegistryClient client = new RegistryClient(options());
                ImageSink sink = Images.sink(ImageReference.parse(registry.host() + "/" + repo + ":v"), client, image.image(), null)) {
            new ImageCopy(2, Progress.NONE).copy(image.image(), sink);
        }
    }

    private Path copyOf(Path disk, String name) throws IOException {
        return Files.copy(disk, tmp.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    private static void fullUpdate(Path disk, OsImage image, boolean commit) throws IOException {
        try (AbDisk d = AbDisk.openImageFile(disk, true)) {
            SlotUpdate.plan(d, image, Optional.empty(), commit).apply(Progress.NONE);
        }
    }

    private record Delta(DeltaPlan plan, long wireBytes, List<String> fallbacks) {
    }

    private Delta deltaUpdate(Path disk, String repo, boolean commit) throws IOException {
        List<String> fallbacks = Collections.synchronizedList(new ArrayList<>());
        DeltaListener listener = new DeltaListener() {
            @Override
            public void fallback(String payload, String reason) {
                fallbacks.add(payload + ": " + reason);
            }
        };
        long before = proxy.bodyBytes();
        try (RegistryClient client = new RegistryClient(options()); AbDisk d = AbDisk.openImageFile(disk, true)) {
            OsImage image = OsImage.read(client.open((ImageReference.Registry) ImageReference.parse(proxy.host() + "/" + repo + ":v")));
            SlotUpdate update = SlotUpdate.plan(d, image, Optional.empty(), commit);
            DeltaPlan plan = update.planDelta(4, listener);
            update.apply(Progress.NONE);
            return new Delta(plan, proxy.bodyBytes() - before, fallbacks);
        }
    }

    private static byte[] slot(Path disk, Slot slot) throws IOException {
        try (AbDisk d = AbDisk.openImageFile(disk, false)) {
            ByteBuffer bytes = ByteBuffer.allocate((int) d.slotDevice(slot).size());
            d.slotDevice(slot).read(0, bytes);
            return bytes.array();
        }
    }

    /** Stored size of the system chunks of {@code next} that {@code old} lacks, plus manifest, config, seek table and kernel. */
    private static long bound(OsImage old, OsImage next) throws IOException {
        Set<String> known = new HashSet<>(old.payload("system").info().chunkHashes());
        Payload system = next.payload("system");
        SeekTable table = system.readSeekTable().orElseThrow();
        long total = next.image().manifestBytes().length + next.configBytes().length + table.size()
                + next.payload("kernel.efi").layer().size();
        List<String> hashes = system.info().chunkHashes();
        for (int i = 0; i < hashes.size(); i++) {
            if (!known.contains(hashes.get(i))) {
                total += table.frames().get(i).compressedSize();
            }
        }
        return total + total / 100;
    }

    @Test
    void deltaUpdateLeavesTheSameSlotAsAFullUpdateAndFetchesOnlyTheChangedChunk() throws Exception {
        List<Long> seeds = seeds(100);
        seeds.set(6, 606L);
        OsImage v2 = image(tmp.resolve("v2"), seeds, "2");
        push(v2, "upd/one");
        Path full = copyOf(v1Disk, "full.img");
        fullUpdate(full, v2, false);

        Path delta = copyOf(v1Disk, "delta.img");
        Delta d = deltaUpdate(delta, "upd/one", false);
        assertThat(d.plan().payloads().get(1).chunksToFetch()).isEqualTo(1);
        assertThat(d.wireBytes()).isLessThanOrEqualTo(bound(v1, v2));
        assertThat(d.fallbacks()).isEmpty();
        assertThat(slot(delta, Slot.B)).isEqualTo(slot(full, Slot.B));
        assertThat(slot(delta, Slot.A)).isEqualTo(slot(v1Disk, Slot.A));
    }

    @Test
    void corruptChunkInTheRunningSlotIsFetchedAndRangeIgnoredStillGivesTheSameSlot() throws Exception {
        List<Long> seeds = seeds(100);
        seeds.set(2, 202L);
        OsImage v2 = image(tmp.resolve("v2"), seeds, "2");
        push(v2, "upd/corrupt");
        Path full = copyOf(v1Disk, "full.img");
        fullUpdate(full, v2, false);

        Path delta = copyOf(v1Disk, "delta.img");
        long slotA;
        try (AbDisk d = AbDisk.openImageFile(delta, false)) {
            slotA = d.layout().offset(d.layout().system(Slot.A));
        }
        try (FileChannel c = FileChannel.open(delta, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            c.read(one, slotA + 9L * MIB + 4321);
            c.write(ByteBuffer.wrap(new byte[] {(byte) (one.get(0) ^ 0x40)}), slotA + 9L * MIB + 4321);
        }
        Delta d = deltaUpdate(delta, "upd/corrupt", false);
        assertThat(d.plan().payloads().get(1).chunksToFetch()).isEqualTo(2);
        assertThat(d.wireBytes()).isLessThanOrEqualTo(bound(v1, v2) + MIB);
        assertThat(slot(delta, Slot.B)).isEqualTo(slot(full, Slot.B));

        proxy.targetBlob = v2.payload("system").layer().digest().toString();
        proxy.ignoreRange = true;
        try {
            Path ignored = copyOf(v1Disk, "ignored.img");
            Delta fallback = deltaUpdate(ignored, "upd/corrupt", false);
            // The seek table's range already came back whole, so the plan fetches the payload whole and says why.
            DeltaPlan.PayloadPlan system = fallback.plan().payloads().get(1);
            assertThat(system.whole()).isTrue();
            assertThat(system.reason()).contains("answered 200 to a Range request");
            assertThat(fallback.fallbacks()).isEmpty();
            assertThat(slot(ignored, Slot.B)).isEqualTo(slot(full, Slot.B));
        } finally {
            proxy.ignoreRange = false;
            proxy.targetBlob = null;
        }
    }

    @Test
    void chunkOnlyInTheSlotBeingOverwrittenIsSetAsideFirst() throws Exception {
        // v2 (committed, in slot B) changes chunk 3; v3 goes to slot A and has v1's chunk 3 back, with chunk 9 new.
        List<Long> v2Seeds = seeds(100);
        v2Seeds.set(3, 303L);
        OsImage v2 = image(tmp.resolve("v2"), v2Seeds, "2");
        List<Long> v3Seeds = seeds(100);
        v3Seeds.set(9, 909L);
        OsImage v3 = image(tmp.resolve("v3"), v3Seeds, "3");
        push(v3, "upd/aside");

        Path full = copyOf(v1Disk, "full.img");
        fullUpdate(full, v2, true);
        Path delta = copyOf(full, "delta.img");
        fullUpdate(full, v3, false);

        // What an update killed while it had chunks set aside left behind: swept by this one, which sets some aside too.
        Path killed = Files.writeString(Path.of(System.getProperty("java.io.tmpdir"))
                .resolve(dev.osimg.testing.StaleTemporaries.ofExitedProcess(SlotPayloadWriter.STASH_LABEL)), "chunks");
        Delta d = deltaUpdate(delta, "upd/aside", false);
        assertThat(killed).doesNotExist();
        assertThat(d.plan().payloads().get(1).chunksToFetch()).isEqualTo(1);
        assertThat(d.wireBytes()).isLessThanOrEqualTo(bound(v2, v3));
        assertThat(slot(delta, Slot.A)).isEqualTo(slot(full, Slot.A));
        try (var left = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            String mine = "-" + ProcessHandle.current().pid() + "-";
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(dev.osimg.linux.TemporaryFiles.PREFIX)
                    && n.contains(mine) && n.endsWith("-" + SlotPayloadWriter.STASH_LABEL));
        }
    }
}
