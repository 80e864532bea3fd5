package dev.osimg.install;

import dev.osimg.disk.GptPartition;
import java.util.Objects;
import java.util.UUID;

/** What a partition should be: GPT name, type GUID and size in MiB. */
public record PartitionSpec(String label, UUID type, long sizeMiB) {
    /** The largest size whose byte count fits in a {@code long}. */
    public static final long MAX_SIZE_MIB = Long.MAX_VALUE >> 20;

    public PartitionSpec {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(type, "type");
        if (label.length() > GptPartition.MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("partition label \"" + label + "\" is longer than " + GptPartition.MAX_NAME_LENGTH
                    + " characters");
        }
        if (sizeMiB < 0) {
            throw new IllegalArgumentException("partition \"" + label + "\": size " + sizeMiB + " MiB is negative");
        }
        if (sizeMiB > MAX_SIZE_MIB) {
            throw new IllegalArgumentException("partition \"" + label + "\": size " + sizeMiB + " MiB is too large (at most "
                    + MAX_SIZE_MIB + " MiB)");
        }
    }

    /** The format's default for a role. */
    public static PartitionSpec defaultFor(PartitionRole role) {
        return new PartitionSpec(role.defaultLabel(), role.defaultType(), role.defaultSizeMiB());
    }
}
