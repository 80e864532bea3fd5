package dev.osimg.install;

import dev.osimg.blob.Blob;
import dev.osimg.blob.Progress;
import dev.osimg.disk.BlockDevice;
import dev.osimg.disk.Fat32Writer;
import dev.osimg.disk.Gpt;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Writes an {@link InstallPlan} to a device in the order of SPEC §5: old table wiped, device discarded,
 * then the ESP, then system slot A, and the partition table last, so an interrupted install never looks bootable.
 */
public final class InstallApplier {
    /** The phases, as reported to {@link Progress#begin}. */
    public static final String PHASE_ESP = "ESP";
    /** Writing system slot A. */
    public static final String PHASE_SYSTEM = "system";
    /** Writing the partition table. */
    public static final String PHASE_TABLE = "table";

    private InstallApplier() {
    }

    /**
     * Applies the plan to {@code device}, which must have the planned size and block size. With {@code durable},
     * everything before the table is flushed to stable storage before the table is written, and the table after
     * it, so that even a power loss never leaves a table in front of missing data (block devices). Image files are
     * written under a temporary name and renamed when complete instead, and left to the page cache as {@code cp}
     * leaves its copies.
     */
    public static void apply(InstallPlan plan, BlockDevice device, boolean durable, Progress progress) throws IOException {
        if (device.size() != plan.diskSize() || device.blockSize() != plan.blockSize()) {
            throw new IllegalArgumentException(device.name() + " is " + device.size() + " bytes in blocks of " + device.blockSize()
                    + "; the plan is for " + plan.diskSize() + " bytes in blocks of " + plan.blockSize());
        }
        int bs = plan.blockSize();
        // Advisory: lets SSDs and thin devices drop old data; image files get holes.
        device.discard(0, device.size());
        // Whatever table was there must not survive a failed install.
        wipeTable(device, durable);

        PlannedPartition espPartition = plan.partition(PartitionRole.ESP).orElseThrow();
        BlockDevice esp = device.section(espPartition.offset(bs), espPartition.size(bs));
        boolean zeroed = device.zeroIsCheap();
        progress.begin(PHASE_ESP, plan.esp().tree().fileBytes());
        try {
            new Fat32Writer(plan.esp(), plan.espVolumeId(), plan.timestamp())
                    .write(esp, espPartition.entry().firstLba(), zeroed, progress);
        } finally {
            progress.end();
        }

        PlannedPartition systemPartition = plan.partition(PartitionRole.SYSTEM_A).orElseThrow();
        BlockDevice system = device.section(systemPartition.offset(bs), systemPartition.size(bs));
        progress.begin(PHASE_SYSTEM, plan.system().size());
        try {
            Optional<Blob> raw = plan.systemBlob();
            if (raw.isPresent() && raw.get().localFile().isPresent()) {
                system.writeFile(0, raw.get().localFile().get(), plan.system().size(), progress);
            } else {
                try (InputStream in = raw.isPresent() ? raw.get().open() : plan.system().openVerified()) {
                    system.writeStream(0, in, plan.system().size(), zeroed, progress);
                }
            }
        } finally {
            progress.end();
        }

        if (durable) {
            device.sync();
        }
        progress.begin(PHASE_TABLE, -1);
        try {
            plan.gpt().write(device, new byte[0]);
            if (durable) {
                device.sync();
            }
        } finally {
            progress.end();
        }
    }

    private static void wipeTable(BlockDevice device, boolean durable) throws IOException {
        int bs = device.blockSize();
        long head = Gpt.firstUsableLba(bs) * bs;
        long tail = (1 + Gpt.entryArrayBlocks(bs)) * bs;
        device.zero(0, head);
        device.zero(device.size() - tail, tail);
        if (durable) {
            device.sync();
        }
    }
}
