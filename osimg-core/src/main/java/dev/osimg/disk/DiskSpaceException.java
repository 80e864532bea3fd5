package dev.osimg.disk;

/** Something does not fit: a disk too small for its partitions, a partition too small for its content. */
public final class DiskSpaceException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** An exception saying what does not fit where, and by how much. */
    public DiskSpaceException(String message) {
        super(message);
    }
}
