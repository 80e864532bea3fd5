package dev.osimg.install;

import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The names and type GUIDs of the disk osimg installs. {@link #METROPOLIS}, the default, is the
 * reference system's (SPEC §5); {@link #GENERIC} is for any other OS: the Discoverable Partitions
 * Specification's type GUIDs (ESP, x86-64 root for both slots, /var for data) and neutral names.
 *
 * @param key              the name on the command line and in the config file
 * @param partitions       the GPT name, type GUID and default size of each partition
 * @param espVolumeLabel   the ESP's FAT volume label
 * @param bootDescription  the description of the UEFI boot entry
 * @param parametersPath   where node parameters go on the ESP
 */
public record Profile(String key, Map<PartitionRole, PartitionSpec> partitions, String espVolumeLabel, String bootDescription,
                      String parametersPath) {
    /** The reference system's names: {@code METROPOLIS-SYSTEM-A}, ESP label {@code MNGN_BOOT}, boot entry "Metropolis". */
    public static final Profile METROPOLIS = new Profile("metropolis", Map.of(
            PartitionRole.ESP, PartitionSpec.defaultFor(PartitionRole.ESP),
            PartitionRole.SYSTEM_A, PartitionSpec.defaultFor(PartitionRole.SYSTEM_A),
            PartitionRole.SYSTEM_B, PartitionSpec.defaultFor(PartitionRole.SYSTEM_B),
            PartitionRole.DATA, PartitionSpec.defaultFor(PartitionRole.DATA)),
            "MNGN_BOOT", "Metropolis", "metropolis/parameters.pb");

    /** DPS type GUIDs and neutral names: {@code esp}, {@code root-a}, {@code root-b}, {@code var}. */
    public static final Profile GENERIC = new Profile("generic", Map.of(
            PartitionRole.ESP, new PartitionSpec("esp", PartitionRole.ESP.defaultType(), PartitionRole.ESP.defaultSizeMiB()),
            PartitionRole.SYSTEM_A, new PartitionSpec("root-a", Dps.ROOT_X86_64, PartitionRole.SYSTEM_A.defaultSizeMiB()),
            PartitionRole.SYSTEM_B, new PartitionSpec("root-b", Dps.ROOT_X86_64, PartitionRole.SYSTEM_B.defaultSizeMiB()),
            PartitionRole.DATA, new PartitionSpec("var", Dps.VAR, PartitionRole.DATA.defaultSizeMiB())),
            "ESP", "osimg", "osimg/parameters");

    /** The profiles by name, the default first. */
    public static final java.util.List<Profile> ALL = java.util.List.of(METROPOLIS, GENERIC);

    public Profile {
        partitions = Map.copyOf(partitions);
    }

    /** The profile named {@code key}; throws naming the valid ones. */
    public static Profile of(String key) {
        for (Profile p : ALL) {
            if (p.key.equals(key.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown profile \"" + key + "\"; use metropolis or generic");
    }

    /** The profile whose slot A or B has the GPT name {@code name}, if any: how status tells a disk's profile. */
    public static java.util.Optional<Profile> ofSlotName(String name) {
        for (Profile p : ALL) {
            if (name.equalsIgnoreCase(p.partition(PartitionRole.SYSTEM_A).label())
                    || name.equalsIgnoreCase(p.partition(PartitionRole.SYSTEM_B).label())) {
                return java.util.Optional.of(p);
            }
        }
        return java.util.Optional.empty();
    }

    /** The spec of one partition. */
    public PartitionSpec partition(PartitionRole role) {
        return partitions.get(role);
    }

    /** The Discoverable Partitions Specification type GUIDs this profile uses. */
    private static final class Dps {
        static final UUID ROOT_X86_64 = UUID.fromString("4f68bce3-e8cd-4db1-96e7-fbcaf984b709");
        static final UUID VAR = UUID.fromString("4d21b016-b534-45c2-a9fb-5c16e091fd2d");
    }
}
