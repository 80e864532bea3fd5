package dev.osimg.osimage;

/** How an uncompressed payload becomes a blob of the layout. */
public enum LinkMode {
    /** A copy: a clone on XFS/btrfs, an in-kernel copy elsewhere. */
    COPY,
    /** A hard link to the payload file (same filesystem only). */
    HARDLINK,
    /** A relative symbolic link to the payload file, as the reference writer does. */
    SYMLINK
}
