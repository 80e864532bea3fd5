package dev.osimg.install;

import java.util.UUID;

/** The partitions an OS disk has, in table order, with the defaults of the format (SPEC §5). */
public enum PartitionRole {
    /** The EFI system partition (FAT32). */
    ESP("esp", "ESP", "c12a7328-f81f-11d2-ba4b-00a0c93ec93b", 128),
    /** System slot A: the {@code system} payload, raw. */
    SYSTEM_A("system-a", "METROPOLIS-SYSTEM-A", "ee96054b-f6d0-4267-aaaa-724b2afea74c", 1024),
    /** System slot B: empty until an update. */
    SYSTEM_B("system-b", "METROPOLIS-SYSTEM-B", "ee96054b-f6d0-4267-bbbb-724b2afea74c", 1024),
    /** Node data: created when its size is not zero, then takes the rest of the disk. */
    DATA("data", "METROPOLIS-NODE-DATA", "9eeec464-6885-414a-b278-4305c51f7966", 128);

    private final String key;
    private final String defaultLabel;
    private final UUID defaultType;
    private final long defaultSizeMiB;

    PartitionRole(String key, String defaultLabel, String defaultType, long defaultSizeMiB) {
        this.key = key;
        this.defaultLabel = defaultLabel;
        this.defaultType = UUID.fromString(defaultType);
        this.defaultSizeMiB = defaultSizeMiB;
    }

    /** The name used on the command line and in JSON ({@code esp}, {@code system-a}, ...). */
    public String key() {
        return key;
    }

    /** The default GPT partition name. */
    public String defaultLabel() {
        return defaultLabel;
    }

    /** The default GPT type GUID. */
    public UUID defaultType() {
        return defaultType;
    }

    /** The default size in MiB. */
    public long defaultSizeMiB() {
        return defaultSizeMiB;
    }

    /** The role of this key; throws listing the valid keys. */
    public static PartitionRole ofKey(String key) {
        for (PartitionRole role : values()) {
            if (role.key.equals(key)) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown partition \"" + key + "\"; use esp, system-a, system-b or data");
    }
}
