package dev.osimg.ab;

import dev.osimg.blob.Blob;
import dev.osimg.blob.Progress;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The files of an ESP, wherever they are reached: a FAT32 filesystem edited in place on the disk, or the mount point
 * of a mounted ESP. Every change is durable when the call returns, and a replacement leaves the old or the new file.
 */
public interface EspFiles {
    /** A file's content, when it exists. */
    Optional<byte[]> read(String path) throws IOException;

    /** A file's size, when it exists. */
    OptionalLong size(String path) throws IOException;

    /** Creates or replaces a file (and its directories), durably; a crash leaves the old or the new content. */
    void write(String path, Blob content, Progress progress) throws IOException;

    /** Removes a file, durably; nothing when there is none. */
    void delete(String path) throws IOException;

    /** Free space in bytes. */
    long freeBytes() throws IOException;

    /** The space a file of {@code size} bytes takes. */
    long allocatedSize(long size) throws IOException;

    /** Where the files are, for messages. */
    String where();
}
