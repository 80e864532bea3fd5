package dev.osimg.disk;

/** The shape of a FAT32 filesystem: sector and cluster sizes, reserved sectors, FAT size, cluster count. */
public record Fat32Geometry(int sectorSize, int sectorsPerCluster, int reservedSectors, long fatSectors, long totalSectors,
                            long clusterCount) {
    /** Fewer clusters than this and readers take the filesystem for FAT16. */
    public static final long MIN_CLUSTERS = 65525;
    /** The most clusters FAT32 can address. */
    public static final long MAX_CLUSTERS = 0x0FFFFFF5L - 2;
    /** The most sectors the boot sector's 32-bit count can hold. */
    public static final long MAX_SECTORS = 0xFFFFFFFFL;
    /** Reserved sectors in front of the FATs (boot sector, FSInfo, backups at 6 and 7). */
    static final int RESERVED_SECTORS = 32;

    /**
     * The geometry for a filesystem of {@code sizeBytes}, with the cluster size Microsoft's FAT32 specification
     * recommends for that size (512 B up to 260 MiB, 4 KiB up to 8 GiB, then 8, 16 and 32 KiB).
     */
    public static Fat32Geometry forSize(long sizeBytes, int sectorSize) {
        long totalSectors = sizeBytes / sectorSize;
        if (totalSectors > MAX_SECTORS) {
            throw new DiskSpaceException("FAT32 counts sectors in 32 bits: with " + sectorSize + "-byte sectors it holds at most "
                    + MAX_SECTORS * sectorSize / (1 << 20) + " MiB, not " + (sizeBytes >> 20) + " MiB");
        }
        long mib = sizeBytes >> 20;
        int clusterBytes = mib <= 260 ? 512 : mib <= 8 * 1024 ? 4096 : mib <= 16 * 1024 ? 8192 : mib <= 32 * 1024 ? 16384 : 32768;
        int sectorsPerCluster = Math.max(1, clusterBytes / sectorSize);
        long fatSectors = 1;
        long clusters = 0;
        for (int round = 0; round < 10; round++) {
            clusters = (totalSectors - RESERVED_SECTORS - 2 * fatSectors) / sectorsPerCluster;
            long needed = ((clusters + 2) * 4 + sectorSize - 1) / sectorSize;
            if (needed <= fatSectors) {
                break;
            }
            fatSectors = needed;
        }
        clusters = (totalSectors - RESERVED_SECTORS - 2 * fatSectors) / sectorsPerCluster;
        if (clusters < MIN_CLUSTERS) {
            long minMib = ((MIN_CLUSTERS * sectorsPerCluster + RESERVED_SECTORS) * sectorSize + 2 * (MIN_CLUSTERS + 2) * 4)
                    / (1 << 20) + 1;
            throw new DiskSpaceException("a FAT32 filesystem of " + (sizeBytes >> 20) + " MiB would have " + Math.max(clusters, 0)
                    + " clusters; FAT32 needs at least " + MIN_CLUSTERS + ", that is a partition of at least " + minMib + " MiB");
        }
        if (clusters > MAX_CLUSTERS) {
            throw new DiskSpaceException("a FAT32 filesystem of " + (sizeBytes >> 20) + " MiB is too large");
        }
        return new Fat32Geometry(sectorSize, sectorsPerCluster, RESERVED_SECTORS, fatSectors, totalSectors, clusters);
    }

    /** Bytes per cluster. */
    public int clusterSize() {
        return sectorSize * sectorsPerCluster;
    }

    /** Byte offset of the first FAT. */
    public long fatOffset(int copy) {
        return ((long) reservedSectors + copy * fatSectors) * sectorSize;
    }

    /** Byte offset of cluster {@code cluster} (the first data cluster is 2). */
    public long clusterOffset(long cluster) {
        return ((long) reservedSectors + 2 * fatSectors) * sectorSize + (cluster - 2) * clusterSize();
    }

    /** Clusters needed for {@code bytes}. */
    public long clustersFor(long bytes) {
        return (bytes + clusterSize() - 1) / clusterSize();
    }
}
