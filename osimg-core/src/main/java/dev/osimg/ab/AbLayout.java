package dev.osimg.ab;

import dev.osimg.disk.Gpt;
import dev.osimg.disk.GptPartition;
import dev.osimg.install.LoaderState.Slot;
import dev.osimg.install.PartitionRole;
import dev.osimg.install.Profile;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where an installed disk keeps its ESP and its system slots A and B: found in the GPT by the format's type GUIDs,
 * or, for disks installed with other types, by their names ({@code ESP}, {@code …-SYSTEM-A}, {@code …-SYSTEM-B}).
 *
 * @param esp       the ESP's entry
 * @param espNumber the ESP's partition number (1-based)
 * @param systemA   slot A's entry
 * @param systemB   slot B's entry
 * @param blockSize the disk's logical block size
 */
public record AbLayout(GptPartition esp, int espNumber, GptPartition systemA, GptPartition systemB, int blockSize) {
    /** Finds the partitions in {@code gpt}; throws {@link NotAnAbDiskException} naming what is missing. */
    public static AbLayout of(Gpt gpt, int blockSize, String where) throws NotAnAbDiskException {
        List<GptPartition> all = gpt.partitions();
        int esp = find(all, PartitionRole.ESP, "ESP", where);
        int a = find(all, PartitionRole.SYSTEM_A, "-SYSTEM-A", where);
        int b = find(all, PartitionRole.SYSTEM_B, "-SYSTEM-B", where);
        List<String> missing = new ArrayList<>();
        if (esp < 0) {
            missing.add("ESP");
        }
        if (a < 0) {
            missing.add("system slot A");
        }
        if (b < 0) {
            missing.add("system slot B");
        }
        if (!missing.isEmpty()) {
            throw new NotAnAbDiskException(where + " is not an A/B disk installed by osimg: its GPT has no "
                    + String.join(", no ", missing) + " (partitions: "
                    + (all.isEmpty() ? "none" : String.join(", ", all.stream().map(p -> "\"" + p.name() + "\" " + p.type()).toList()))
                    + "); install it with osimg install first");
        }
        return new AbLayout(all.get(esp), esp + 1, all.get(a), all.get(b), blockSize);
    }

    private static int find(List<GptPartition> all, PartitionRole role, String nameSuffix, String where) throws NotAnAbDiskException {
        int found = -1;
        for (int i = 0; i < all.size() && found < 0; i++) {
            if (all.get(i).type().equals(role.defaultType())) {
                found = i;
            }
        }
        for (int i = 0; i < all.size() && found < 0; i++) {
            String name = all.get(i).name().toUpperCase(Locale.ROOT);
            if (name.equals(nameSuffix) || nameSuffix.startsWith("-") && name.endsWith(nameSuffix)) {
                found = i;
            }
        }
        // The generic profile's slots share one type GUID (DPS root): only their names tell A from B.
        for (int i = 0; i < all.size() && found < 0; i++) {
            for (Profile profile : Profile.ALL) {
                if (all.get(i).name().equalsIgnoreCase(profile.partition(role).label())) {
                    found = i;
                }
            }
        }
        return found;
    }

    /** A slot's partition entry. */
    public GptPartition system(Slot slot) {
        return switch (slot) {
            case A -> systemA;
            case B -> systemB;
            case NONE -> throw new IllegalArgumentException("no slot");
        };
    }

    /** The byte offset of a partition. */
    public long offset(GptPartition p) {
        return p.firstLba() * blockSize;
    }

    /** The size of a partition in bytes. */
    public long size(GptPartition p) {
        return p.blocks() * blockSize;
    }
}
