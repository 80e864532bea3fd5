package dev.osimg.install;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * What to install besides the image: partition specs, the boot program, node parameters, and whether
 * payloads are verified and the result reproducible.
 *
 * @param loader     an A/B loader file to install instead of osimg's own ({@code osimg-abloader})
 * @param directBoot whether {@code kernel.efi} itself is the firmware's boot program (no A/B loader)
 */
public record InstallOptions(Map<PartitionRole, PartitionSpec> partitions, String espVolumeLabel, Optional<Path> loader,
                             boolean directBoot, Optional<Path> nodeParameters, boolean unverified, boolean reproducible,
                             Profile profile) {
    /** The FAT volume label of the ESP by default. */
    public static final String DEFAULT_ESP_VOLUME_LABEL = "MNGN_BOOT";

    public InstallOptions {
        Map<PartitionRole, PartitionSpec> all = new EnumMap<>(PartitionRole.class);
        for (PartitionRole role : PartitionRole.values()) {
            all.put(role, partitions.getOrDefault(role, profile.partition(role)));
        }
        partitions = Map.copyOf(all);
        if (directBoot && loader.isPresent()) {
            throw new IllegalArgumentException("a loader file (" + loader.get() + ") and direct boot exclude each other");
        }
    }

    /** The format's defaults: verified, not reproducible, osimg's own A/B loader, no node parameters. */
    public static InstallOptions defaults() {
        return forProfile(Profile.METROPOLIS);
    }

    /** The defaults with a profile's partition names and types, ESP label, boot entry and parameters path. */
    public static InstallOptions forProfile(Profile profile) {
        return new InstallOptions(Map.of(), profile.espVolumeLabel(), Optional.empty(), false, Optional.empty(), false, false, profile);
    }

    /** The spec of one partition. */
    public PartitionSpec partition(PartitionRole role) {
        return partitions.get(role);
    }

    /** These options with one partition's spec replaced. */
    public InstallOptions withPartition(PartitionRole role, PartitionSpec spec) {
        Map<PartitionRole, PartitionSpec> copy = new EnumMap<>(partitions);
        copy.put(role, spec);
        return new InstallOptions(copy, espVolumeLabel, loader, directBoot, nodeParameters, unverified, reproducible, profile);
    }

    /** These options with the A/B loader file set (empty: osimg's own loader). */
    public InstallOptions withLoader(Optional<Path> value) {
        return new InstallOptions(partitions, espVolumeLabel, value, directBoot, nodeParameters, unverified, reproducible, profile);
    }

    /** These options with direct boot (kernel.efi as the firmware's boot program, no A/B loader) on or off. */
    public InstallOptions withDirectBoot(boolean value) {
        return new InstallOptions(partitions, espVolumeLabel, loader, value, nodeParameters, unverified, reproducible, profile);
    }

    /** These options with the node parameters file set. */
    public InstallOptions withNodeParameters(Optional<Path> value) {
        return new InstallOptions(partitions, espVolumeLabel, loader, directBoot, value, unverified, reproducible, profile);
    }

    /** These options with verification switched off (uncompressed payloads only) or on. */
    public InstallOptions withUnverified(boolean value) {
        return new InstallOptions(partitions, espVolumeLabel, loader, directBoot, nodeParameters, value, reproducible, profile);
    }

    /** These options with reproducible output switched on or off. */
    public InstallOptions withReproducible(boolean value) {
        return new InstallOptions(partitions, espVolumeLabel, loader, directBoot, nodeParameters, unverified, value, profile);
    }

    /** These options with another ESP volume label. */
    public InstallOptions withEspVolumeLabel(String value) {
        return new InstallOptions(partitions, value, loader, directBoot, nodeParameters, unverified, reproducible, profile);
    }
}
