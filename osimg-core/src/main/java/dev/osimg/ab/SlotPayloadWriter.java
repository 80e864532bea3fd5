package dev.osimg.ab;

import dev.osimg.blob.Progress;
import dev.osimg.disk.BlockDevice;
import dev.osimg.linux.TemporaryFiles;
import dev.osimg.osimage.Payload;
import dev.osimg.transfer.DeltaFetch;
import dev.osimg.transfer.DeltaListener;
import dev.osimg.transfer.DeltaPlan;
import dev.osimg.transfer.LocalChunks;
import dev.osimg.transfer.LocalData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the {@code system} payload into a slot's partition: the one place an update moves payload bytes onto the
 * disk. Each chunk is checked against the image's chunk hashes as it streams; the partition is flushed at the end.
 */
public final class SlotPayloadWriter {
    /** The end of the name of the file chunks are set aside in (after the owner-process prefix of {@link TemporaryFiles}). */
    public static final String STASH_LABEL = "update-chunks";

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

    /**
     * Writes {@code system} into {@code slot} by a delta plan: chunks found locally (in the other slot, or in this
     * slot's old content) are copied and checked again as they are read, the others are fetched with Range and
     * verified. Chunks whose only copy is in {@code slot} itself are first set aside in a temporary file, so that
     * writing the slot cannot destroy a chunk still needed. The result is byte for byte what {@link #write} leaves.
     */
    public static void writeDelta(DeltaPlan.PayloadPlan plan, BlockDevice slot, LocalData slotData, int jobs,
                                  DeltaListener listener) throws IOException {
        long size = plan.payload().size();
        if (size > slot.size()) {
            throw new IllegalStateException("payload of " + size + " bytes does not fit a slot of " + slot.size());
        }
        Path stash = null;
        try {
            DeltaPlan.PayloadPlan safe = plan;
            if (!plan.whole() && plan.sources().stream().anyMatch(s -> s instanceof LocalChunks.Raw r && r.data() == slotData)) {
                // Named by owner process: one a killed update left behind is removed by the next update.
                Path tmpdir = Path.of(System.getProperty("java.io.tmpdir"));
                TemporaryFiles.sweep(tmpdir);
                stash = TemporaryFiles.createFile(tmpdir, STASH_LABEL);
                safe = setAside(plan, slotData, stash);
            }
            new DeltaFetch(jobs, listener).writeContent(safe, (offset, data) -> slot.write(offset, data));
        } finally {
            if (stash != null) {
                TemporaryFiles.delete(stash);
            }
        }
        if (slot.zeroIsCheap() && size < slot.size()) {
            slot.zero(size, slot.size() - size);
        }
        slot.sync();
    }

    private static DeltaPlan.PayloadPlan setAside(DeltaPlan.PayloadPlan plan, LocalData slotData, Path stash) throws IOException {
        List<LocalChunks.Source> sources = new ArrayList<>(plan.sources());
        LocalData stashed = LocalData.of(stash);
        try (FileChannel out = FileChannel.open(stash, StandardOpenOption.WRITE)) {
            long position = 0;
            for (int i = 0; i < sources.size(); i++) {
                if (sources.get(i) instanceof LocalChunks.Raw r && r.data() == slotData) {
                    ByteBuffer bytes = ByteBuffer.allocate(r.contentLength());
                    slotData.read(r.offset(), bytes);
                    bytes.flip();
                    while (bytes.hasRemaining()) {
                        out.write(bytes, position + bytes.position());
                    }
                    sources.set(i, new LocalChunks.Raw(stashed, position, r.contentLength()));
                    position += r.contentLength();
                }
            }
        }
        return new DeltaPlan.PayloadPlan(plan.payload(), plan.chunks(), sources, plan.ranges(), plan.reason(), plan.seekTableBytes());
    }
}
