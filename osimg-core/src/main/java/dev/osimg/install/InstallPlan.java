package dev.osimg.install;

import dev.osimg.blob.Blob;
import dev.osimg.blob.BytesBlob;
import dev.osimg.blob.FileBlob;
import dev.osimg.disk.DiskSpaceException;
import dev.osimg.disk.Fat32Layout;
import dev.osimg.disk.FatTree;
import dev.osimg.disk.Gpt;
import dev.osimg.disk.GptPartition;
import dev.osimg.efi.DevicePath;
import dev.osimg.efi.LoadOption;
import dev.osimg.loader.AbLoader;
import dev.osimg.osimage.OsImage;
import dev.osimg.osimage.OsImageFormatException;
import dev.osimg.osimage.Payload;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Everything an install will write, computed from the image, the options and the disk size with every
 * input and size checked; computing it touches no disk.
 *
 * @param diskSize        the disk size in bytes
 * @param blockSize       the logical block size
 * @param partitions      the partitions in table order
 * @param gpt             the partition table to write last
 * @param esp             the ESP's FAT32 layout (files included)
 * @param espVolumeId     the FAT volume serial
 * @param timestamp       the timestamp of every FAT entry
 * @param system          the {@code system} payload
 * @param systemBlob      the raw blob to copy when installing unverified, else empty
 * @param bootPath        the ESP path the firmware starts ({@code EFI/BOOT/BOOTx64.EFI})
 * @param directBoot      whether {@code kernel.efi} itself sits at {@link #bootPath} (no A/B loader)
 * @param loader          the A/B loader at {@link #bootPath}: {@value AbLoader#NAME} or the file given; empty for direct boot
 * @param loadOption      the UEFI load option that boots this disk
 */
public record InstallPlan(OsImage image, InstallOptions options, long diskSize, int blockSize, List<PlannedPartition> partitions,
                          Gpt gpt, Fat32Layout esp, int espVolumeId, LocalDateTime timestamp, Payload system,
                          Optional<Blob> systemBlob, String bootPath, boolean directBoot, Optional<String> loader,
                          LoadOption loadOption) {
    /** Partitions start on 1 MiB boundaries. */
    public static final long ALIGNMENT = 1 << 20;
    /** Where the ESP holds slot A's kernel. */
    public static final String BOOT_A_PATH = "EFI/metropolis/boot-a.efi";
    /** Where the ESP holds the A/B state. */
    public static final String STATE_PATH = "EFI/metropolis/loader_state.pb";
    /** The payload written to the ESP. */
    public static final String KERNEL_PAYLOAD = "kernel.efi";
    /** The payload written to system slot A. */
    public static final String SYSTEM_PAYLOAD = "system";
    /** Timestamps of reproducible disks: the FAT epoch. */
    public static final LocalDateTime REPRODUCIBLE_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

    private static final long MIB = 1 << 20;

    public InstallPlan {
        partitions = List.copyOf(partitions);
    }

    /**
     * Plans an install of {@code image} onto a disk of {@code diskSize} bytes, or, when {@code diskSize} is
     * negative, onto an image file sized to hold exactly the partitions and the GPT.
     */
    public static InstallPlan compute(OsImage image, InstallOptions options, long diskSize, int blockSize) throws IOException {
        String where = image.image().location();
        Payload kernel = image.payload(KERNEL_PAYLOAD);
        Payload system = image.payload(SYSTEM_PAYLOAD);
        Optional<Blob> kernelBlob = Optional.empty();
        Optional<Blob> systemBlob = Optional.empty();
        if (options.unverified()) {
            kernelBlob = Optional.of(kernel.unverified());
            systemBlob = Optional.of(system.unverified());
        }
        String arch = architecture(image);
        String bootPath = "EFI/BOOT/" + bootFileName(arch);
        Blob kernelContent = kernelBlob.orElseGet(kernel::verifiedBlob);
        Optional<String> loaderName;
        Blob bootProgram;
        if (options.directBoot()) {
            loaderName = Optional.empty();
            bootProgram = kernelContent;
        } else if (options.loader().isPresent()) {
            loaderName = Optional.of(options.loader().get().toString());
            bootProgram = readableFile(options.loader(), "A/B loader (--loader)").orElseThrow();
        } else {
            loaderName = Optional.of(AbLoader.NAME);
            bootProgram = AbLoader.forArchitecture(arch).orElseThrow(() -> new IllegalArgumentException(where
                    + ": osimg's A/B loader is built for " + AbLoader.ARCHITECTURE + " only, and this image is " + arch
                    + "; pass --loader FILE (a UEFI A/B loader for " + arch + ") or --direct-boot"));
        }
        Optional<Blob> parameters = readableFile(options.nodeParameters(), "node parameters (--node-parameters)");

        // boot-a.efi is written in every mode, so that a direct-boot disk has slot A's kernel where an update expects it.
        FatTree tree = new FatTree();
        tree.add(bootPath, bootProgram);
        tree.add(BOOT_A_PATH, kernelContent);
        if (!options.directBoot()) {
            tree.add(STATE_PATH, new BytesBlob(LoaderState.DEFAULT.encode()));
        }
        parameters.ifPresent(p -> tree.add(options.profile().parametersPath(), p));
        LocalDateTime time = options.reproducible() ? REPRODUCIBLE_TIME
                : LocalDateTime.now(ZoneOffset.UTC).withNano(0);
        // What slot A holds, for osimg status.
        tree.add(SlotRecord.path(LoaderState.Slot.A),
                new BytesBlob(SlotRecord.of(LoaderState.Slot.A, image, time, "install").encode()));

        PartitionSpec espSpec = options.partition(PartitionRole.ESP);
        PartitionSpec systemA = options.partition(PartitionRole.SYSTEM_A);
        PartitionSpec systemB = options.partition(PartitionRole.SYSTEM_B);
        PartitionSpec data = options.partition(PartitionRole.DATA);
        Fat32Layout esp;
        try {
            esp = Fat32Layout.plan(espSpec.sizeMiB() * MIB, blockSize, options.espVolumeLabel(), tree);
        } catch (DiskSpaceException e) {
            throw new DiskSpaceException("ESP (--esp-size " + espSpec.sizeMiB() + "): " + e.getMessage());
        }
        if (system.size() > systemA.sizeMiB() * MIB) {
            throw new DiskSpaceException(where + ": payload \"system\" is " + system.size() + " bytes ("
                    + ceilMiB(system.size()) + " MiB) but the system partition is " + systemA.sizeMiB()
                    + " MiB; use --system-size " + ceilMiB(system.size()) + " or more");
        }
        if (systemB.sizeMiB() < systemA.sizeMiB()) {
            throw new IllegalArgumentException("system slot B (" + systemB.sizeMiB() + " MiB) must be as large as slot A ("
                    + systemA.sizeMiB() + " MiB), or updates would not fit");
        }

        long tailBytes = (1 + Gpt.entryArrayBlocks(blockSize)) * blockSize;
        long required = requiredSize(options, blockSize);
        long size = diskSize < 0 ? required : diskSize;
        if (size < required) {
            throw new DiskSpaceException("the disk is " + size + " bytes (" + size / MIB + " MiB) but the partitions need "
                    + required + " bytes (" + ceilMiB(required) + " MiB: ESP " + espSpec.sizeMiB() + ", system "
                    + systemA.sizeMiB() + " x2, data " + data.sizeMiB() + ", GPT " + ceilMiB(ALIGNMENT + tailBytes)
                    + "); use a larger disk or smaller partitions");
        }
        if (size % blockSize != 0) {
            throw new IllegalArgumentException("disk size " + size + " is not a multiple of the block size " + blockSize);
        }

        Identity id = new Identity(image, options.reproducible());
        List<PlannedPartition> partitions = new ArrayList<>();
        long lba = ALIGNMENT / blockSize;
        lba = add(partitions, PartitionRole.ESP, espSpec, lba, espSpec.sizeMiB() * MIB / blockSize, id);
        lba = add(partitions, PartitionRole.SYSTEM_A, systemA, lba, systemA.sizeMiB() * MIB / blockSize, id);
        lba = add(partitions, PartitionRole.SYSTEM_B, systemB, lba, systemB.sizeMiB() * MIB / blockSize, id);
        if (data.sizeMiB() > 0) {
            long lastUsable = Gpt.lastUsableLba(size / blockSize, blockSize);
            add(partitions, PartitionRole.DATA, data, lba, lastUsable - lba + 1, id);
        }
        Gpt gpt = new Gpt(id.guid("disk"), partitions.stream().map(PlannedPartition::entry).toList());
        PlannedPartition espPartition = partitions.getFirst();
        LoadOption option = LoadOption.active(options.profile().bootDescription(), DevicePath.hardDriveFile(espPartition.number(),
                espPartition.entry().firstLba(), espPartition.entry().blocks(), espPartition.entry().id(), "/" + bootPath));
        return new InstallPlan(image, options, size, blockSize, partitions, gpt, esp, id.volumeId(), time, system, systemBlob,
                bootPath, options.directBoot(), loaderName, option);
    }

    /**
     * The smallest disk that holds the partitions of {@code options} and the GPT: the size of an image file made
     * without an explicit size. Needs no image, so a caller can size a disk before planning its install.
     */
    public static long requiredSize(InstallOptions options, int blockSize) {
        PartitionSpec esp = options.partition(PartitionRole.ESP);
        PartitionSpec systemA = options.partition(PartitionRole.SYSTEM_A);
        PartitionSpec systemB = options.partition(PartitionRole.SYSTEM_B);
        PartitionSpec data = options.partition(PartitionRole.DATA);
        long tailBytes = (1 + Gpt.entryArrayBlocks(blockSize)) * blockSize;
        try {
            long partitionMiB = Math.addExact(Math.addExact(Math.addExact(esp.sizeMiB(), systemA.sizeMiB()),
                    systemB.sizeMiB()), data.sizeMiB());
            return Math.addExact(Math.addExact(ALIGNMENT, Math.multiplyExact(partitionMiB, MIB)), tailBytes);
        } catch (ArithmeticException e) {
            throw new DiskSpaceException("the partitions add up to more than " + Long.MAX_VALUE + " bytes (ESP "
                    + esp.sizeMiB() + ", system " + systemA.sizeMiB() + " and " + systemB.sizeMiB() + ", data "
                    + data.sizeMiB() + " MiB); no disk is that large");
        }
    }

    /** The partition of a role, when there is one. */
    public Optional<PlannedPartition> partition(PartitionRole role) {
        return partitions.stream().filter(p -> p.role() == role).findFirst();
    }

    private static long add(List<PlannedPartition> out, PartitionRole role, PartitionSpec spec, long lba, long blocks, Identity id) {
        out.add(new PlannedPartition(out.size() + 1, role,
                new GptPartition(spec.type(), id.guid("partition-" + role.key()), lba, lba + blocks - 1, 0, spec.label())));
        return lba + blocks;
    }

    /** The image's architecture, x86_64 when its variant names none; one that UEFI boots here. */
    private static String architecture(OsImage image) throws OsImageFormatException {
        String arch = image.productInfo().architecture();
        return switch (arch) {
            case "", "x86_64" -> "x86_64";
            case "aarch64" -> arch;
            default -> throw new OsImageFormatException(image.image().location() + ": product_info.variant \""
                    + image.productInfo().variant() + "\" names architecture \"" + arch
                    + "\", which has no UEFI fallback boot path here (x86_64 and aarch64 do)");
        };
    }

    private static String bootFileName(String architecture) {
        return architecture.equals("aarch64") ? "BOOTAA64.EFI" : "BOOTx64.EFI";
    }

    private static Optional<Blob> readableFile(Optional<Path> path, String what) throws IOException {
        if (path.isEmpty()) {
            return Optional.empty();
        }
        Path p = path.get();
        if (!Files.isRegularFile(p)) {
            throw new NoSuchFileException(p.toString(), null, what + " is not a readable file");
        }
        if (!Files.isReadable(p)) {
            throw new AccessDeniedException(p.toString(), null, what + " cannot be read");
        }
        return Optional.of(FileBlob.of(p));
    }

    private static long ceilMiB(long bytes) {
        return (bytes + MIB - 1) / MIB;
    }

    /** GUIDs and the FAT serial: random, or derived from the manifest digest for reproducible disks. */
    private static final class Identity {
        private final String seed;
        private final int volumeId;

        Identity(OsImage image, boolean reproducible) {
            this.seed = reproducible ? image.image().manifestDigest().toString() : null;
            this.volumeId = reproducible ? ByteBuffer.wrap(hash("fat-volume-id")).getInt()
                    : new SecureRandom().nextInt();
        }

        UUID guid(String purpose) {
            if (seed == null) {
                return UUID.randomUUID();
            }
            byte[] h = hash(purpose);
            h[6] = (byte) ((h[6] & 0x0f) | 0x80); // version 8: custom (RFC 9562)
            h[8] = (byte) ((h[8] & 0x3f) | 0x80); // RFC variant
            ByteBuffer b = ByteBuffer.wrap(h);
            return new UUID(b.getLong(), b.getLong());
        }

        int volumeId() {
            return volumeId;
        }

        private byte[] hash(String purpose) {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                return sha.digest(("osimg install " + seed + " " + purpose).getBytes(StandardCharsets.UTF_8));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
