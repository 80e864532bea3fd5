package dev.osimg.disk;

import java.util.Objects;
import java.util.UUID;

/** One GPT partition entry: type, unique GUID, first and last LBA (inclusive), attributes and name. */
public record GptPartition(UUID type, UUID id, long firstLba, long lastLba, long attributes, String name) {
    /** The longest name an entry holds, in UTF-16 code units. */
    public static final int MAX_NAME_LENGTH = 36;

    public GptPartition {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        if (firstLba <= 0 || lastLba < firstLba) {
            throw new IllegalArgumentException("partition \"" + name + "\": LBAs " + firstLba + ".." + lastLba + " are not a range");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("partition name \"" + name + "\" is longer than " + MAX_NAME_LENGTH
                    + " UTF-16 code units");
        }
    }

    /** The number of blocks. */
    public long blocks() {
        return lastLba - firstLba + 1;
    }
}
