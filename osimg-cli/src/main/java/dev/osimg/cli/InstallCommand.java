package dev.osimg.cli;

import dev.osimg.blob.Progress;
import dev.osimg.disk.DeviceUsage;
import dev.osimg.efi.EfiVarFs;
import dev.osimg.install.DiskInstaller;
import dev.osimg.install.InstallOptions;
import dev.osimg.install.InstallPlan;
import dev.osimg.install.PartitionRole;
import dev.osimg.install.PartitionSpec;
import dev.osimg.install.PlannedPartition;
import dev.osimg.install.Profile;
import dev.osimg.oci.ImageReference;
import dev.osimg.osimage.OsImage;
import dev.osimg.registry.RegistryClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code osimg install}: writes an OS image as a bootable GPT disk to an image file or a block device. */
@Command(name = "install", sortOptions = false,
        description = {"Install an OS image onto a disk image file or a device.",
            "",
            "Writes a GPT with an ESP (FAT32 holding the loader and kernel.efi), system slots A (the system "
                    + "payload) and B, and an optional data partition. Everything is checked before the first write, "
                    + "and the partition table is written last, so an interrupted install never looks bootable.",
            "",
            "Prints where the image was installed."})
final class InstallCommand implements Callable<Integer>, UnusedRegistryOptions {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Parameters(paramLabel = "IMAGE", description = "oci:DIR[:TAG], a layout directory, or a registry reference.")
    String image;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    /** Where to install. */
    static final class Target {
        @Option(names = "--disk", paramLabel = "FILE", description = "Create the disk image file FILE (sparse).")
        Path disk;

        @Option(names = "--device", paramLabel = "DEV", description = "Write to the block device DEV (e.g. /dev/sdb).")
        Path device;
    }

    @Option(names = "--size", paramLabel = "SIZE",
            description = "Size of a new image file (5G, 512M, bytes); default: exactly what the partitions need.")
    String size;

    @Option(names = "--esp-size", paramLabel = "MiB", description = "ESP size in MiB (default: ${DEFAULT-VALUE}).",
            defaultValue = "128")
    long espSize;

    @Option(names = "--system-size", paramLabel = "MiB", description = "Size of each system slot in MiB (default: ${DEFAULT-VALUE}).",
            defaultValue = "1024")
    long systemSize;

    @Option(names = "--data-size", paramLabel = "MiB",
            description = "Minimum data partition size in MiB; it takes the rest of the disk; 0: none (default: ${DEFAULT-VALUE}).",
            defaultValue = "128")
    long dataSize;

    @Option(names = "--partition-label", paramLabel = "PART=LABEL",
            description = "GPT name of a partition (esp, system-a, system-b, data).")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--partition-type", paramLabel = "PART=GUID", description = "GPT type GUID of a partition.")
    Map<String, String> types = new LinkedHashMap<>();

    @Option(names = "--esp-volume-label", paramLabel = "LABEL", description = "FAT volume label of the ESP (default: the profile's, MNGN_BOOT or ESP).")
    String espVolumeLabel;

    @CommandLine.Mixin
    ProfileOption profile;

    @ArgGroup(exclusive = true)
    BootProgram boot = new BootProgram();

    /** What the firmware starts: osimg's A/B loader by default. */
    static final class BootProgram {
        @Option(names = "--loader", paramLabel = "FILE",
                description = "Another A/B loader (a UEFI program) for the firmware's fallback path instead of osimg's own"
                        + " (osimg-abloader).")
        Path loader;

        @Option(names = "--direct-boot",
                description = "Make kernel.efi itself the firmware's boot program (no A/B loader, no slot switching).")
        boolean direct;
    }

    @Option(names = "--node-parameters", paramLabel = "FILE", description = "Written to the ESP: metropolis/parameters.pb (generic profile: osimg/parameters).")
    Path nodeParameters;

    @Option(names = "--unverified",
            description = "Copy uncompressed payloads without checking their chunk hashes (a reflink where the filesystem can).")
    boolean unverified;

    @Option(names = "--reproducible",
            description = "Derive disk and partition GUIDs from the image digest and use fixed timestamps: same input, same bytes.")
    boolean reproducible;

    @Option(names = "--force", description = "Replace an existing image file; write a device even if it looks in use.")
    boolean force;

    @Option(names = "--efi-boot-entry", description = "Add a Boot#### entry for the disk and put it first in BootOrder.")
    boolean efiBootEntry;

    @Option(names = "--efivarfs", paramLabel = "DIR", description = "efivarfs directory (default: ${DEFAULT-VALUE}).",
            defaultValue = "/sys/firmware/efi/efivars")
    Path efivarfs;

    @CommandLine.Mixin
    OutputOptions output;

    @CommandLine.Mixin
    RegistryOptionsMixin registry;

    @CommandLine.Mixin
    SignatureOptionsMixin signatures;

    @Override
    public java.util.List<String> unusedRegistryOptions() {
        return NO_TRANSFERS;
    }

    @Override
    public Integer call() throws IOException {
        // The client stays open for the whole install: payloads stream from the registry onto the disk.
        try (RegistryClient client = registry.client()) {
            return install(client);
        }
    }

    private Integer install(RegistryClient client) throws IOException {
        long start = System.nanoTime();
        InstallOptions options = options();
        if (target.disk == null && size != null) {
            throw new IllegalArgumentException("--size applies to --disk only; a device has its own size");
        }
        long diskSize = size == null ? -1 : Sizes.parse(size);
        if (target.disk != null) {
            Path parent = target.disk.toAbsolutePath().getParent();
            if (!java.nio.file.Files.isDirectory(parent)) {
                throw new IllegalArgumentException("--disk " + target.disk + ": the directory " + parent + " does not exist");
            }
        }
        if (efiBootEntry) {
            checkBootEntryTarget();
        }
        OsImage os = ImageArgument.open(image, client);
        // Before the target is created or opened: a refused image leaves it untouched.
        SignatureCheck.Outcome signature = signatures.check(ImageReference.parse(image), os.image(), client);
        long opened = System.nanoTime();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PhaseLog progress = new PhaseLog(ConsoleProgress.forTerminal(output.silent()), output.silent() ? null : err);
        InstallPlan plan = target.disk != null
                ? DiskInstaller.toImageFile(os, options, target.disk, diskSize, force, progress)
                : DiskInstaller.toDevice(os, options, target.device, force, progress);
        progress.succeeded();
        Integer bootEntry = null;
        if (efiBootEntry) {
            bootEntry = new EfiVarFs(efivarfs).addBootEntry(plan.loadOption());
        }
        long nanos = System.nanoTime() - start;
        String where = (target.disk != null ? target.disk : target.device).toString();
        if (output.json) {
            Map<String, Object> doc = result(plan, where, bootEntry);
            doc.put("signature", signature.describe());
            doc.put("open_seconds", (opened - start) / 1e9);
            doc.put("install_seconds", (System.nanoTime() - opened) / 1e9);
            doc.put("seconds", nanos / 1e9);
            JsonOutput.print(out, doc);
        } else if (output.quiet) {
            out.println(where);
            out.flush();
        } else {
            if (plan.directBoot()) {
                out.println("Direct boot: kernel.efi is the firmware's boot program (no A/B switching).");
            }
            out.printf("Installed %s (%s) onto %s (%s, GPT disk %s) in %s%n", os.image().location(), os.image().manifestDigest(),
                    where, Sizes.bytes(plan.diskSize()), plan.gpt().diskGuid(), Sizes.seconds(nanos));
            out.printf("  %-2s %-22s %12s %12s  %s%n", "#", "name", "start", "size", "type");
            for (PlannedPartition p : plan.partitions()) {
                out.printf("  %-2d %-22s %12s %12s  %s%n", p.number(), p.entry().name(), Sizes.bytes(p.offset(plan.blockSize())),
                        Sizes.bytes(p.size(plan.blockSize())), p.entry().type());
            }
            out.printf("Signature: %s%n", signature.describe());
            out.printf("Boots /%s%s%s%n", plan.bootPath(), plan.loader().map(l -> " = " + l + ", slot A active").orElse(""),
                    bootEntry == null ? "" : " (UEFI entry " + EfiVarFs.bootName(bootEntry) + ", first in BootOrder)");
            out.flush();
        }
        return ExitCodes.OK;
    }

    /**
     * A boot entry names a disk of this machine: an image file is none, and a missing or read-only efivarfs
     * must stop the install before the disk is written, not after.
     */
    private void checkBootEntryTarget() throws IOException {
        if (target.disk != null) {
            throw new IllegalArgumentException("--efi-boot-entry writes this machine's firmware variables for a disk it has;"
                    + " an image file (--disk) is not one. Install onto the disk with --device, or leave the option out");
        }
        new EfiVarFs(efivarfs).requireWritable();
        if (!DeviceUsage.isBlockDevice(target.device)) {
            throw new IllegalArgumentException("--efi-boot-entry writes this machine's firmware variables for a disk it has;"
                    + " " + target.device + " is not a block device");
        }
    }

    private InstallOptions options() throws IOException {
        Profile chosen = profile.resolve().profile();
        InstallOptions options = InstallOptions.forProfile(chosen)
                .withLoader(Optional.ofNullable(boot.loader))
                .withDirectBoot(boot.direct)
                .withNodeParameters(Optional.ofNullable(nodeParameters))
                .withUnverified(unverified)
                .withReproducible(reproducible)
                .withEspVolumeLabel(espVolumeLabel == null ? chosen.espVolumeLabel() : espVolumeLabel);
        Map<PartitionRole, Long> sizes = Map.of(PartitionRole.ESP, espSize, PartitionRole.SYSTEM_A, systemSize,
                PartitionRole.SYSTEM_B, systemSize, PartitionRole.DATA, dataSize);
        for (PartitionRole role : PartitionRole.values()) {
            PartitionSpec d = chosen.partition(role);
            String label = labels.getOrDefault(role.key(), d.label());
            UUID type = d.type();
            if (types.containsKey(role.key())) {
                try {
                    type = UUID.fromString(types.get(role.key()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--partition-type " + role.key() + "=" + types.get(role.key())
                            + ": not a GUID (like C12A7328-F81F-11D2-BA4B-00A0C93EC93B)");
                }
            }
            options = options.withPartition(role, new PartitionSpec(label, type, sizes.get(role)));
        }
        for (String key : labels.keySet()) {
            PartitionRole.ofKey(key);
        }
        for (String key : types.keySet()) {
            PartitionRole.ofKey(key);
        }
        return options;
    }

    private static Map<String, Object> result(InstallPlan plan, String where, Integer bootEntry) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("image", plan.image().image().location());
        doc.put("digest", plan.image().image().manifestDigest().toString());
        doc.put("target", where);
        doc.put("size", plan.diskSize());
        doc.put("block_size", plan.blockSize());
        doc.put("disk_guid", plan.gpt().diskGuid().toString());
        doc.put("boot_path", "/" + plan.bootPath());
        doc.put("direct_boot", plan.directBoot());
        doc.put("loader", plan.loader().orElse(null));
        doc.put("verified", !plan.options().unverified());
        doc.put("profile", plan.options().profile().key());
        List<Map<String, Object>> parts = new ArrayList<>();
        for (PlannedPartition p : plan.partitions()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("number", p.number());
            m.put("role", p.role().key());
            m.put("name", p.entry().name());
            m.put("type", p.entry().type().toString());
            m.put("guid", p.entry().id().toString());
            m.put("first_lba", p.entry().firstLba());
            m.put("last_lba", p.entry().lastLba());
            m.put("offset", p.offset(plan.blockSize()));
            m.put("size", p.size(plan.blockSize()));
            parts.add(m);
        }
        doc.put("partitions", parts);
        if (bootEntry != null) {
            doc.put("efi_boot_entry", EfiVarFs.bootName(bootEntry));
        }
        return doc;
    }
}
