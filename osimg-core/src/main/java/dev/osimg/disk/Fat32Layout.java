package dev.osimg.disk;

import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A planned FAT32 filesystem: geometry, label and a contiguous cluster run for every directory and file
 * of a {@link FatTree}. Planning checks that everything fits; nothing is written.
 */
public final class Fat32Layout {
    private static final String LABEL_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !#$%&'()-@^_`{}~";

    /** A run of clusters: the first one and how many (first is 0 for an empty file). */
    public record Run(long firstCluster, long clusters) {
    }

    private final Fat32Geometry geometry;
    private final String label;
    private final FatTree tree;
    private final Map<FatTree.Node, Run> runs;
    private final long usedClusters;

    private Fat32Layout(Fat32Geometry geometry, String label, FatTree tree, Map<FatTree.Node, Run> runs, long usedClusters) {
        this.geometry = geometry;
        this.label = label;
        this.tree = tree;
        this.runs = runs;
        this.usedClusters = usedClusters;
    }

    /** Plans a filesystem of {@code sizeBytes} holding {@code tree}; throws {@link DiskSpaceException} when it does not fit. */
    public static Fat32Layout plan(long sizeBytes, int sectorSize, String label, FatTree tree) {
        String volumeLabel = checkLabel(label);
        Fat32Geometry geometry = Fat32Geometry.forSize(sizeBytes, sectorSize);
        Map<FatTree.Node, Run> runs = new IdentityHashMap<>();
        long[] next = {2};
        allocate(tree.root(), true, geometry, runs, next);
        long used = next[0] - 2;
        if (used > geometry.clusterCount()) {
            long needed = used * geometry.clusterSize();
            long has = geometry.clusterCount() * geometry.clusterSize();
            throw new DiskSpaceException("the files for the FAT32 filesystem need " + mib(needed) + " but a "
                    + (sizeBytes >> 20) + " MiB partition holds " + mib(has) + "; make the partition larger");
        }
        return new Fat32Layout(geometry, volumeLabel, tree, runs, used);
    }

    private static void allocate(FatTree.Directory dir, boolean isRoot, Fat32Geometry g, Map<FatTree.Node, Run> runs, long[] next) {
        long entries = isRoot ? 1 : 2;
        for (FatTree.Node child : dir.children()) {
            entries += DirectoryEntries.slots(child.name());
        }
        long clusters = Math.max(1, g.clustersFor(entries * DirectoryEntries.SIZE));
        runs.put(dir, new Run(next[0], clusters));
        next[0] += clusters;
        for (FatTree.Node child : dir.children()) {
            switch (child) {
                case FatTree.Directory d -> allocate(d, false, g, runs, next);
                case FatTree.File f -> {
                    if (f.content().size() > 0xFFFFFFFFL) {
                        throw new DiskSpaceException("file " + f.name() + " is " + f.content().size()
                                + " bytes; FAT32 files end at 4 GiB - 1");
                    }
                    long c = g.clustersFor(f.content().size());
                    runs.put(f, new Run(c == 0 ? 0 : next[0], c));
                    next[0] += c;
                }
            }
        }
    }

    private static String checkLabel(String label) {
        String upper = label.toUpperCase(Locale.ROOT);
        if (upper.isEmpty() || upper.length() > 11 || upper.chars().anyMatch(c -> LABEL_CHARS.indexOf(c) < 0)) {
            throw new IllegalArgumentException("FAT volume label \"" + label + "\" must be 1 to 11 characters of A-Z, 0-9, "
                    + "space and !#$%&'()-@^_`{}~");
        }
        return upper;
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    /** The geometry. */
    public Fat32Geometry geometry() {
        return geometry;
    }

    /** The volume label, upper case. */
    public String label() {
        return label;
    }

    /** The tree. */
    public FatTree tree() {
        return tree;
    }

    /** The cluster run of a node of the tree. */
    public Run run(FatTree.Node node) {
        return runs.get(node);
    }

    /** Clusters in use. */
    public long usedClusters() {
        return usedClusters;
    }
}
