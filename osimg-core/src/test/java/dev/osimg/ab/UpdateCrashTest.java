package dev.osimg.ab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osimg.blob.Progress;
import dev.osimg.disk.ImageFileDevice;
import dev.osimg.install.LoaderState;
import dev.osimg.install.LoaderState.Slot;
import dev.osimg.osimage.OsImage;
import dev.osimg.testing.PowerCutDevice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An update interrupted at every point: after each of its steps, and by a power cut before each single write. The disk
 * always still boots the old slot with its kernel, {@code status} says what is there, and the next update completes
 * and leaves a clean ESP.
 */
class UpdateCrashTest {
    @TempDir
    Path dir;

    /** The slot the loader would start and its kernel: the loader's own rules (next, else active, else A). */
    private static byte[] bootedKernel(AbDisk d) throws Exception {
        return d.esp().read(AbDisk.kernelPath(d.state().state().bootsNext())).orElseThrow();
    }

    @Test
    void aPowerCutBeforeAnyWriteOfAnUpdateLeavesTheOldSlotBooting() throws Exception {
        OsImage v1 = AbFixtures.image(dir, 1, 1_000_000);
        OsImage v2 = AbFixtures.image(dir, 2, 1_300_000);
        Path pristine = AbFixtures.install(dir, v1, "pristine.img");
        // Start from a disk that has already been updated once and committed, so that the update replaces files.
        try (AbDisk d = AbDisk.openImageFile(pristine, true)) {
            SlotUpdate.plan(d, v2, Optional.empty(), false).apply(Progress.NONE);
            SlotChanges.commit(d, Optional.empty(), Optional.of(Slot.A));
        }
        Path disk = dir.resolve("disk.img");
        long total;
        try (AbDisk d = AbDisk.open(countingCopy(pristine, disk, -1), Optional.empty())) {
            SlotUpdate.plan(d, v1, Optional.empty(), false).apply(Progress.NONE);
            total = ((PowerCutDevice) d.device()).writes();
        }
        assertThat(total).isGreaterThan(20);
        int newStates = 0;
        for (long cut = 0; cut < total; cut++) {
            try (AbDisk d = AbDisk.open(countingCopy(pristine, disk, cut), Optional.empty())) {
                SlotUpdate.plan(d, v1, Optional.empty(), false).apply(Progress.NONE);
                throw new AssertionError("the update made fewer writes than " + total);
            } catch (PowerCutDevice.PowerCut expected) {
                // The disk as the power cut left it is checked below.
            }
            try (AbDisk d = AbDisk.openImageFile(disk, false)) {
                LoaderState state = d.state().state();
                assertThat(d.state().condition()).as("cut at %d", cut).isEqualTo(StateFile.Condition.VALID);
                assertThat(state).as("cut at %d", cut).isIn(new LoaderState(Slot.A, Slot.NONE), new LoaderState(Slot.A, Slot.B));
                if (state.nextSlot() == Slot.B) {
                    newStates++;
                    assertThat(bootedKernel(d)).isEqualTo(AbFixtures.kernel(1));
                    assertThat(d.record(Slot.B).orElseThrow().manifestDigest()).isEqualTo(v1.image().manifestDigest().toString());
                } else {
                    assertThat(bootedKernel(d)).as("cut at %d", cut).isEqualTo(AbFixtures.kernel(1));
                    assertThat(d.record(Slot.A).orElseThrow().version()).isEqualTo("1.0");
                    AbStatus status = AbStatus.read(d, Optional.empty());
                    assertThat(status.bootsNext()).isEqualTo(Slot.A);
                    // Whenever B has a record, B holds exactly that image (old v2, or new v1 not yet scheduled).
                    if (status.slots().get(Slot.B).record().isPresent()) {
                        int version = status.slots().get(Slot.B).record().get().version().equals("1.0") ? 1 : 2;
                        int size = version == 1 ? 1_000_000 : 1_300_000;
                        assertThat(d.esp().read(AbDisk.kernelPath(Slot.B))).as("cut at %d", cut).hasValue(AbFixtures.kernel(version));
                        assertThat(AbFixtures.slotBytes(disk, d.layout(), Slot.B, size)).as("cut at %d", cut)
                                .isEqualTo(AbFixtures.system(version, size));
                    }
                }
            }
            // The next update completes and repairs what the cut left behind.
            try (AbDisk d = AbDisk.openImageFile(disk, true)) {
                SlotUpdate.plan(d, v2, Optional.empty(), false).apply(Progress.NONE);
                assertThat(d.state().state()).isEqualTo(new LoaderState(Slot.A, Slot.B));
                AbFixtures.assertEspClean(disk, d.layout());
            }
        }
        // Only cuts after the state's one-sector switch (while the old state's clusters are freed) leave the new state.
        assertThat(newStates).isBetween(1, 5);
    }

    @Test
    void anUpdateStoppedAfterEachStepLeavesTheOldSlotBooting() throws Exception {
        OsImage v1 = AbFixtures.image(dir, 1, 1_000_000);
        OsImage v2 = AbFixtures.image(dir, 2, 1_300_000);
        Path pristine = AbFixtures.install(dir, v1, "pristine.img");
        Path disk = dir.resolve("disk.img");
        List<String> steps = List.of(SlotUpdate.PHASE_PREPARE, SlotUpdate.PHASE_SYSTEM, SlotUpdate.PHASE_KERNEL,
                SlotUpdate.PHASE_RECORD);
        for (String stop : steps) {
            Files.copy(pristine, disk, StandardCopyOption.REPLACE_EXISTING);
            List<String> done = new ArrayList<>();
            try (AbDisk d = AbDisk.openImageFile(disk, true)) {
                SlotUpdate.plan(d, v2, Optional.empty(), false).apply(new Progress() {
                    private String phase;

                    @Override
                    public void begin(String name, long totalBytes) {
                        phase = name;
                    }

                    @Override
                    public void advance(long n) {
                    }

                    @Override
                    public void end() {
                        done.add(phase);
                        if (phase.equals(stop)) {
                            throw new IllegalStateException("stopped after " + stop);
                        }
                    }
                });
            } catch (IllegalStateException expected) {
                assertThat(expected).hasMessage("stopped after " + stop);
            }
            assertThat(done).last().isEqualTo(stop);
            try (AbDisk d = AbDisk.openImageFile(disk, false)) {
                assertThat(d.state().state()).as("stopped after %s", stop).isEqualTo(new LoaderState(Slot.A, Slot.NONE));
                assertThat(bootedKernel(d)).isEqualTo(AbFixtures.kernel(1));
                AbStatus status = AbStatus.read(d, Optional.empty());
                assertThat(status.slots().get(Slot.A).record().orElseThrow().version()).isEqualTo("1.0");
                assertThat(status.slots().get(Slot.B).holdsImage()).as("stopped after %s", stop)
                        .isEqualTo(stop.equals(SlotUpdate.PHASE_RECORD) || stop.equals(SlotUpdate.PHASE_KERNEL));
                AbFixtures.assertEspClean(disk, d.layout());
            }
        }
    }

    private static PowerCutDevice countingCopy(Path from, Path to, long cut) throws Exception {
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        return new PowerCutDevice(ImageFileDevice.open(to, 512, true), cut);
    }
}
