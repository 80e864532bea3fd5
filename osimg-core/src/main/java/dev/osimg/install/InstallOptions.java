package dev.osimg.install;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * What to install besides the image: partition specs, the A/B loader, node parameters, and whether
 * payloads are verified and the result reproducible.
 */
public record InstallOptions(Map<PartitionRole, PartitionSpec> partitions, String espVolumeLabel, Optional<Path> loader,
                             Optional<Path> nodeParameters, boolean unverified, boolean reproducible) {
    /** The FAT volume label of the ESP by default. */
    public static final String DEFAULT_ESP_VOLUME_LABEL = "MNGN_BOOT";

    public InstallOptions {
        Map<PartitionRole, PartitionSpec> all = new EnumMap<>(PartitionRole.class);
        for (PartitionRole role : PartitionRole.values()) {
            all.put(role, partitions.getOrDefault(role, PartitionSpec.defaultFor(role)));
        }
        partitions = Map.copyOf(all);
    }

    /** The format's defaults: verified, not reproducible, no loader, no node parameters. */
    public static InstallOptions defaults() {
        return new InstallOptions(Map.of(), DEFAULT_ESP_VOLUME_LABEL, Optional.empty(), Optional.empty(), false, false);
    }

    /** The spec of one partition. */
    public PartitionSpec partition(PartitionRole role) {
        return partitions.get(role);
    }

    /** These options with one partition's spec replaced. */
    public InstallOptions withPartition(PartitionRole role, PartitionSpec spec) {
        Map<PartitionRole, PartitionSpec> copy = new EnumMap<>(partitions);
        copy.put(role, spec);
        return new InstallOptions(copy, espVolumeLabel, loader, nodeParameters, unverified, reproducible);
    }

    /** These options with the A/B loader set (empty: the kernel boots directly). */
    public InstallOptions withLoader(Optional<Path> value) {
        return new InstallOptions(partitions, espVolumeLabel, value, nodeParameters, unverified, reproducible);
    }

    /** These options with the node parameters file set. */
    public InstallOptions withNodeParameters(Optional<Path> value) {
        return new InstallOptions(partitions, espVolumeLabel, loader, value, unverified, reproducible);
    }

    /** These options with verification switched off (uncompressed payloads only) or on. */
    public InstallOptions withUnverified(boolean value) {
        return new InstallOptions(partitions, espVolumeLabel, loader, nodeParameters, value, reproducible);
    }

    /** These options with reproducible output switched on or off. */
    public InstallOptions withReproducible(boolean value) {
        return new InstallOptions(partitions, espVolumeLabel, loader, nodeParameters, unverified, value);
    }

    /** These options with another ESP volume label. */
    public InstallOptions withEspVolumeLabel(String value) {
        return new InstallOptions(partitions, value, loader, nodeParameters, unverified, reproducible);
    }
}
