package dev.osimg.install;

import dev.osimg.disk.GptPartition;

/** A partition as planned: its number in the table (1-based), its role and its GPT entry. */
public record PlannedPartition(int number, PartitionRole role, GptPartition entry) {
    /** The byte offset on the disk. */
    public long offset(int blockSize) {
        return entry.firstLba() * blockSize;
    }

    /** The size in bytes. */
    public long size(int blockSize) {
        return entry.blocks() * blockSize;
    }
}
