package dev.osimg.ab;

import dev.osimg.blob.Progress;
import dev.osimg.disk.BlockDevice;
import dev.osimg.disk.DiskSpaceException;
import dev.osimg.install.InstallPlan;
import dev.osimg.install.LoaderState;
import dev.osimg.install.LoaderState.Slot;
import dev.osimg.install.SlotRecord;
import dev.osimg.osimage.OsImage;
import dev.osimg.osimage.Payload;
import dev.osimg.transfer.DeltaListener;
import dev.osimg.transfer.DeltaPlan;
import dev.osimg.transfer.DeltaPlanner;
import dev.osimg.transfer.LocalChunks;
import dev.osimg.transfer.LocalData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * An update of an A/B disk: the image goes into the slot that neither runs nor is active, and the loader is told to
 * boot it once (or, committed, for good). Planning checks everything and writes nothing; applying writes in an order
 * where every step is durable before the next, so that an interruption at any point boots the old slot:
 *
 * <ol>
 *   <li>{@value #PHASE_PREPARE}: a one-shot {@code next} pointing at the target is cleared, then the target's record
 *       and kernel are removed (the slot no longer counts as holding an image);</li>
 *   <li>{@value #PHASE_SYSTEM}: the {@code system} payload, verified, into the target partition;</li>
 *   <li>{@value #PHASE_KERNEL}: {@code kernel.efi}, verified, to {@code EFI/metropolis/boot-<slot>.efi};</li>
 *   <li>{@value #PHASE_RECORD}: the slot record {@code EFI/metropolis/slot-<slot>.json};</li>
 *   <li>{@value #PHASE_STATE}: the loader state, {@code next = target} (or {@code active = target} when committed).</li>
 * </ol>
 */
public final class SlotUpdate {
    /** Clearing what pointed at the target slot. */
    public static final String PHASE_PREPARE = "prepare";
    /** Writing the system payload. */
    public static final String PHASE_SYSTEM = "system";
    /** Writing the kernel to the ESP. */
    public static final String PHASE_KERNEL = "kernel";
    /** Writing the slot record. */
    public static final String PHASE_RECORD = "record";
    /** Switching the loader state. */
    public static final String PHASE_STATE = "state";

    private final AbDisk disk;
    private final OsImage image;
    private final Slot target;
    private final LoaderState before;
    private final LoaderState after;
    private final Payload system;
    private final Payload kernel;
    private DeltaPlan delta;
    private LocalData targetData;
    private DeltaListener deltaListener = DeltaListener.NONE;
    private int deltaJobs = 1;

    private SlotUpdate(AbDisk disk, OsImage image, Slot target, LoaderState before, LoaderState after, Payload system,
                       Payload kernel) {
        this.disk = disk;
        this.image = image;
        this.target = target;
        this.before = before;
        this.after = after;
        this.system = system;
        this.kernel = kernel;
    }

    /**
     * Plans an update of {@code disk} with {@code image}. {@code running} is the running slot of a live system (empty
     * offline); {@code commit} makes the new slot active instead of booting it once. Refuses (writing nothing) a slot
     * on trial, an image whose payloads do not fit the slot or the ESP, an image without the two payloads.
     */
    public static SlotUpdate plan(AbDisk disk, OsImage image, Optional<Slot> running, boolean commit) throws IOException {
        Payload system = image.payload(InstallPlan.SYSTEM_PAYLOAD);
        Payload kernel = image.payload(InstallPlan.KERNEL_PAYLOAD);
        Optional<BootProgram> program = disk.bootProgram();
        if (program.isPresent() && program.get().directBoot()) {
            throw new SlotStateException(disk.name() + " boots " + program.get().path() + " directly (it was installed "
                    + "without the A/B loader), so an updated slot would never boot; install it again with the loader. "
                    + "Nothing was written");
        }
        LoaderState before = disk.state().state();
        Slot active = before.effectiveActive();
        if (running.isPresent() && running.get() != active) {
            throw new SlotStateException(disk.name() + ": the system runs slot " + running.get() + " on trial while slot "
                    + active + " is the active one; an update would overwrite the running slot or the fallback. Commit "
                    + "slot " + running.get() + " (osimg commit) or reboot into slot " + active + " first; nothing was written");
        }
        Slot target = active.other();
        long slotSize = disk.layout().size(disk.layout().system(target));
        if (system.size() > slotSize) {
            throw new DiskSpaceException(image.image().location() + ": payload \"system\" is " + system.size() + " bytes ("
                    + mib(system.size()) + " MiB) but slot " + target + " (" + disk.layout().system(target).name() + ") of "
                    + disk.name() + " holds " + slotSize + " bytes (" + slotSize / (1 << 20) + " MiB); nothing was written");
        }
        EspFiles esp = disk.esp();
        long reclaimed = esp.allocatedSize(esp.size(AbDisk.kernelPath(target)).orElse(0))
                + esp.allocatedSize(esp.size(SlotRecord.path(target)).orElse(0));
        // The kernel, the record and room for the state's copy-on-write replacement and a directory cluster.
        long needed = esp.allocatedSize(kernel.size()) + 3 * esp.allocatedSize(4096);
        if (needed > esp.freeBytes() + reclaimed) {
            throw new DiskSpaceException(image.image().location() + ": payload \"kernel.efi\" is " + kernel.size()
                    + " bytes but the ESP of " + disk.name() + " has " + (esp.freeBytes() + reclaimed) + " bytes free for slot "
                    + target + "; nothing was written");
        }
        LoaderState after = commit ? new LoaderState(target, Slot.NONE) : new LoaderState(active, target);
        return new SlotUpdate(disk, image, target, before, after, system, kernel);
    }

    /**
     * Plans a delta update (writing nothing): both slots are read and hashed, and every chunk of the new
     * {@code system} found there is taken locally at {@link #apply}, the others fetched with Range requests,
     * {@code jobs} at a time. Without this, {@link #apply} streams the whole payload.
     */
    public DeltaPlan planDelta(int jobs, DeltaListener listener) throws IOException {
        LocalChunks local = new LocalChunks(Math.toIntExact(system.info().hashChunkSize()));
        // The active slot first: where both slots hold a chunk, the one not being overwritten is used.
        for (Slot slot : new Slot[] {target.other(), target}) {
            BlockDevice device = disk.slotDevice(slot);
            long length = disk.record(slot).map(r -> Math.min(r.systemSize(), device.size())).orElse(device.size());
            LocalData data = slotData(slot, device);
            local.addData(data, length);
            if (slot == target) {
                targetData = data;
            }
        }
        delta = DeltaPlanner.plan(image, local, DeltaPlanner.Output.CONTENT);
        deltaJobs = jobs;
        deltaListener = listener;
        return delta;
    }

    private LocalData slotData(Slot slot, BlockDevice device) {
        String name = disk.name() + " slot " + slot;
        return new LocalData() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void read(long offset, ByteBuffer target) throws IOException {
                device.read(offset, target);
            }
        };
    }

    /** The slot the update writes. */
    public Slot target() {
        return target;
    }

    /** The loader state before the update. */
    public LoaderState before() {
        return before;
    }

    /** The loader state the update leaves. */
    public LoaderState after() {
        return after;
    }

    /** Applies the update step by step (see the class comment); progress reports each step as a phase. */
    public void apply(Progress progress) throws IOException {
        progress.begin(PHASE_PREPARE, -1);
        try {
            if (before.nextSlot() == target) {
                disk.writeState(new LoaderState(before.effectiveActive(), Slot.NONE));
            }
            disk.forget(target);
        } finally {
            progress.end();
        }
        progress.begin(PHASE_SYSTEM, system.size());
        try {
            if (delta == null) {
                SlotPayloadWriter.write(system, disk.slotDevice(target), progress);
            } else {
                DeltaPlan.PayloadPlan systemPlan = delta.payloads().stream()
                        .filter(p -> p.payload().name().equals(system.name())).findFirst().orElseThrow();
                DeltaListener listener = deltaListener;
                SlotPayloadWriter.writeDelta(systemPlan, disk.slotDevice(target), targetData, deltaJobs, new DeltaListener() {
                    @Override
                    public void fallback(String payload, String reason) {
                        listener.fallback(payload, reason);
                    }

                    @Override
                    public void progress(long bytes) {
                        progress.advance(bytes);
                    }
                });
            }
        } finally {
            progress.end();
        }
        progress.begin(PHASE_KERNEL, kernel.size());
        try {
            disk.writeKernel(target, kernel.verifiedBlob(), progress);
        } finally {
            progress.end();
        }
        progress.begin(PHASE_RECORD, -1);
        try {
            disk.writeRecord(SlotRecord.now(target, image, "update"), target);
        } finally {
            progress.end();
        }
        progress.begin(PHASE_STATE, -1);
        try {
            disk.writeState(after);
        } finally {
            progress.end();
        }
    }

    private static long mib(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }
}
