package dev.osimg.ab;

import dev.osimg.blob.Progress;
import dev.osimg.disk.BlockDevice;
import dev.osimg.osimage.Payload;
import java.io.IOException;
import java.io.InputStream;

/**
 * Writes the {@code system} payload into a slot's partition: the one place an update moves payload bytes onto the
 * disk. Each chunk is checked against the image's chunk hashes as it streams; the partition is flushed at the end.
 */
public final class SlotPayloadWriter {
    private SlotPayloadWriter() {
    }

    /**
     * Streams {@code system}, verified, into {@code slot} from its start. Where zeroing is cheap (image files: a hole
     * punch) the old content is zeroed first and zero blocks of the payload are skipped, so the file stays sparse.
     */
    public static void write(Payload system, BlockDevice slot, Progress progress) throws IOException {
        if (system.size() > slot.size()) {
            throw new IllegalStateException("payload of " + system.size() + " bytes does not fit a slot of " + slot.size());
        }
        boolean sparse = slot.zeroIsCheap();
        if (sparse) {
            slot.zero(0, slot.size());
        }
        try (InputStream in = system.openVerified()) {
            slot.writeStream(0, in, system.size(), sparse, progress);
        }
        slot.sync();
    }
}
