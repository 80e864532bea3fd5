package dev.osimg.ab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osimg.blob.Progress;
import dev.osimg.disk.DiskSpaceException;
import dev.osimg.disk.Gpt;
import dev.osimg.disk.GptPartition;
import dev.osimg.disk.ImageFileDevice;
import dev.osimg.install.DiskInstaller;
import dev.osimg.install.InstallOptions;
import dev.osimg.install.LoaderState;
import dev.osimg.install.LoaderState.Slot;
import dev.osimg.osimage.OsImage;
import dev.osimg.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Status, update, commit and rollback of an installed disk file, and every refusal leaving the disk as it was. */
class AbLifecycleTest {
    @TempDir
    static Path images;

    @TempDir
    Path dir;

    static OsImage v1;
    static OsImage v2;
    static OsImage v3;

    @BeforeAll
    static void buildImages() throws Exception {
        v1 = AbFixtures.image(images, 1, 1_500_000);
        v2 = AbFixtures.image(images, 2, 2_200_000);
        v3 = AbFixtures.image(images, 3, 900_000);
    }

    private static LoaderState state(Path disk) throws Exception {
        try (AbDisk d = AbDisk.openImageFile(disk, false)) {
            return d.state().state();
        }
    }

    private static AbStatus status(Path disk) throws Exception {
        try (AbDisk d = AbDisk.openImageFile(disk, false)) {
            return AbStatus.read(d, Optional.empty());
        }
    }

    private static void update(Path disk, OsImage image, boolean commit) throws Exception {
        try (AbDisk d = AbDisk.openImageFile(disk, true)) {
            SlotUpdate.plan(d, image, Optional.empty(), commit).apply(Progress.NONE);
        }
    }

    @Test
    void installRecordsSlotAAndStatusReportsIt() throws Exception {
        Path disk = AbFixtures.install(dir, v1, "disk.img");
        AbStatus s = status(disk);
        assertThat(s.state().condition()).isEqualTo(StateFile.Condition.VALID);
        assertThat(s.state().state()).isEqualTo(new LoaderState(Slot.A, Slot.NONE));
        assertThat(s.bootsNext()).isEqualTo(Slot.A);
        assertThat(s.slots().get(Slot.A).record()).hasValueSatisfying(r -> {
            assertThat(r.manifestDigest()).isEqualTo(v1.image().manifestDigest().toString());
            assertThat(r.version()).isEqualTo("1.0");
            assertThat(r.productName()).isEqualTo("Test OS");
            assertThat(r.writtenBy()).isEqualTo("install");
        });
        assertThat(s.slots().get(Slot.B).holdsImage()).isFalse();
        assertThat(s.loader()).hasValueSatisfying(l -> {
            assertThat(l.path()).isEqualTo("/EFI/BOOT/BOOTx64.EFI");
            assertThat(l.directBoot()).isFalse();
        });
    }

    @Test
    void updateWritesTheInactiveSlotAndBootsItOnceThenCommitAndRollbackSwitch() throws Exception {
        Path disk = AbFixtures.install(dir, v1, "disk.img");
        update(disk, v2, false);
        AbLayout layout;
        try (AbDisk d = AbDisk.openImageFile(disk, false)) {
            layout = d.layout();
            assertThat(d.state().state()).isEqualTo(new LoaderState(Slot.A, Slot.B));
            assertThat(d.esp().read(AbDisk.kernelPath(Slot.B))).hasValue(AbFixtures.kernel(2));
            assertThat(d.esp().read(AbDisk.kernelPath(Slot.A))).hasValue(AbFixtures.kernel(1));
            assertThat(d.record(Slot.B).orElseThrow().manifestDigest()).isEqualTo(v2.image().manifestDigest().toString());
            assertThat(d.record(Slot.B).orElseThrow().writtenBy()).isEqualTo("update");
        }
        assertThat(AbFixtures.slotBytes(disk, layout, Slot.B, 2_200_000)).isEqualTo(AbFixtures.system(2, 2_200_000));
        assertThat(AbFixtures.slotBytes(disk, layout, Slot.A, 1_500_000)).isEqualTo(AbFixtures.system(1, 1_500_000));
        AbFixtures.assertEspClean(disk, layout);
        // mtools agrees with what osimg reads.
        String mdir = Tools.ok("mdir", "-i", disk + "@@" + layout.offset(layout.esp()), "::EFI/metropolis");
        assertThat(mdir).contains("boot-a.efi").contains("boot-b.efi").contains("slot-a.json").contains("slot-b.json");

        // Updating again before the trial boot rewrites B and keeps A active.
        update(disk, v3, false);
        assertThat(state(disk)).isEqualTo(new LoaderState(Slot.A, Slot.B));
        assertThat(AbFixtures.slotBytes(disk, layout, Slot.B, 900_000)).isEqualTo(AbFixtures.system(3, 900_000));

        try (AbDisk d = AbDisk.openImageFile(disk, true)) {
            assertThat(SlotChanges.commit(d, Optional.empty(), Optional.of(Slot.B))).isEqualTo(new LoaderState(Slot.B, Slot.NONE));
            assertThat(SlotChanges.rollback(d, Optional.empty(), true)).isEqualTo(new LoaderState(Slot.B, Slot.A));
            assertThat(SlotChanges.rollback(d, Optional.empty(), false)).isEqualTo(new LoaderState(Slot.A, Slot.NONE));
        }
        // With A active again, a committed update lands in B and makes it active at once.
        update(disk, v2, true);
        assertThat(state(disk)).isEqualTo(new LoaderState(Slot.B, Slot.NONE));
        // And the next update goes to A, never to the active B.
        update(disk, v3, false);
        assertThat(state(disk)).isEqualTo(new LoaderState(Slot.B, Slot.A));
        assertThat(status(disk).slots().get(Slot.A).record().orElseThrow().version()).isEqualTo("3.0");
        AbFixtures.assertEspClean(disk, layout);
    }

    @Test
    void aLiveSystemUpdatesTheSlotThatDoesNotRunAndRefusesWhileOnTrial() throws Exception {
        Path disk = AbFixtures.install(dir, v1, "disk.img");
        update(disk, v2, false);
        byte[] before = Files.readAllBytes(disk);
        // Booted B once (the loader cleared next): B runs on trial, A is still active.
        try (AbDisk d = AbDisk.openImageFile(disk, true)) {
            d.writeState(new LoaderState(Slot.A, Slot.NONE));
            before = Files.readAllBytes(disk);
            assertThatThrownBy(() -> SlotUpdate.plan(d, v3, Optional.of(Slot.B), false))
                    .isInstanceOf(SlotStateException.class)
                    .hasMessageContaining("runs slot B on trial").hasMessageContaining("nothing was written");
        }
        assertThat(Files.readAllBytes(disk)).isEqualTo(before);
        try (AbDisk d = AbDisk.openImageFile(disk, true)) {
            assertThat(SlotChanges.commit(d, Optional.of(Slot.B), Optional.empty())).isEqualTo(new LoaderState(Slot.B, Slot.NONE));
            SlotUpdate u = SlotUpdate.plan(d, v3, Optional.of(Slot.B), false);
            assertThat(u.target()).isEqualTo(Slot.A);
            u.apply(Progress.NONE);
            assertThatThrownBy(() -> SlotChanges.commit(d, Optional.of(Slot.B), Optional.of(Slot.A)))
                    .isInstanceOf(SlotStateException.class).hasMessageContaining("commit marks the running slot");
        }
        assertThat(state(disk)).isEqualTo(new LoaderState(Slot.B, Slot.A));
    }

    @Test
    void refusalsWriteNothing() throws Exception {
        Path disk = AbFixtures.install(dir, v1, "disk.img");
        byte[] before = Files.readAllBytes(disk);
        OsImage tooLarge = AbFixtures.image(dir, 4, (int) (AbFixtures.SYSTEM_MIB << 20) + 1);
        try (AbDisk d = AbDisk.openImageFile(disk, true)) {
            assertThatThrownBy(() -> SlotUpdate.plan(d, tooLarge, Optional.empty(), false))
                    .isInstanceOf(DiskSpaceException.class)
                    .hasMessageContaining("payload \"system\" is 4194305 bytes").hasMessageContaining("slot B")
                    .hasMessageContaining("nothing was written");
            assertThatThrownBy(() -> SlotChanges.commit(d, Optional.empty(), Optional.of(Slot.B)))
                    .isInstanceOf(SlotStateException.class)
                    .hasMessageContaining("cannot commit slot B").hasMessageContaining("holds no image");
            assertThatThrownBy(() -> SlotChanges.rollback(d, Optional.empty(), false))
                    .isInstanceOf(SlotStateException.class).hasMessageContaining("cannot roll back to slot B");
            assertThatThrownBy(() -> SlotChanges.rollback(d, Optional.empty(), true))
                    .isInstanceOf(SlotStateException.class);
        }
        assertThat(Files.readAllBytes(disk)).isEqualTo(before);
    }

    @Test
    void aCorruptOrMissingStateReadsAsTheLoaderReadsItAndTheNextChangeRewritesIt() throws Exception {
        Path disk = AbFixtures.install(dir, v1, "disk.img");
        try (AbDisk d = AbDisk.openImageFile(disk, true)) {
            d.esp().write(AbDisk.STATE_PATH, new dev.osimg.blob.BytesBlob("garbage".getBytes()), Progress.NONE);
            assertThat(d.state().condition()).isEqualTo(StateFile.Condition.CORRUPT);
            assertThat(d.state().problem()).isNotEmpty();
            assertThat(d.state().state()).isEqualTo(LoaderState.DEFAULT);
            SlotUpdate.plan(d, v2, Optional.empty(), false).apply(Progress.NONE);
            assertThat(d.state()).isEqualTo(new StateFile(new LoaderState(Slot.A, Slot.B), StateFile.Condition.VALID, ""));
            d.esp().delete(AbDisk.STATE_PATH);
            assertThat(d.state().condition()).isEqualTo(StateFile.Condition.MISSING);
            assertThat(AbStatus.read(d, Optional.empty()).bootsNext()).isEqualTo(Slot.A);
            assertThat(SlotChanges.rollback(d, Optional.empty(), true)).isEqualTo(new LoaderState(Slot.A, Slot.B));
            AbFixtures.assertEspClean(disk, d.layout());
        }
    }

    @Test
    void statusRecognisesOsimgsOwnLoader() throws Exception {
        Path disk = dir.resolve("own-loader.img");
        DiskInstaller.toImageFile(v1, AbFixtures.options(dir.resolve("unused")).withLoader(Optional.empty()), disk, -1, false,
                Progress.NONE);
        assertThat(status(disk).loader()).hasValueSatisfying(l -> {
            assertThat(l.osimgLoader()).isTrue();
            assertThat(l.directBoot()).isFalse();
        });
        assertThat(status(AbFixtures.install(dir, v1, "stand-in.img")).loader().orElseThrow().osimgLoader()).isFalse();
    }

    @Test
    void refusesToUpdateADiskThatBootsItsKernelDirectly() throws Exception {
        Path disk = dir.resolve("direct.img");
        InstallOptions direct = AbFixtures.options(dir.resolve("unused")).withLoader(Optional.empty()).withDirectBoot(true);
        DiskInstaller.toImageFile(v1, direct, disk, -1, false, Progress.NONE);
        byte[] before = Files.readAllBytes(disk);
        try (AbDisk d = AbDisk.openImageFile(disk, true)) {
            assertThat(d.bootProgram().orElseThrow().directBoot()).isTrue();
            assertThatThrownBy(() -> SlotUpdate.plan(d, v2, Optional.empty(), false))
                    .isInstanceOf(SlotStateException.class).hasMessageContaining("boots /EFI/BOOT/BOOTx64.EFI directly");
        }
        assertThat(Files.readAllBytes(disk)).isEqualTo(before);
    }

    @Test
    void refusesDisksOsimgDidNotInstall() throws Exception {
        Path blank = dir.resolve("blank.img");
        Files.write(blank, new byte[4 << 20]);
        assertThatThrownBy(() -> AbDisk.openImageFile(blank, true)).isInstanceOf(NotAnAbDiskException.class)
                .hasMessageContaining("is not an A/B disk installed by osimg");
        Path other = dir.resolve("other.img");
        try (ImageFileDevice d = ImageFileDevice.create(other, 8 << 20, 512)) {
            new Gpt(UUID.randomUUID(), List.of(new GptPartition(UUID.fromString("0fc63daf-8483-4772-8e79-3d69d8477de4"),
                    UUID.randomUUID(), 2048, 8191, 0, "root"))).write(d, new byte[0]);
        }
        byte[] before = Files.readAllBytes(other);
        assertThatThrownBy(() -> AbDisk.openImageFile(other, true)).isInstanceOf(NotAnAbDiskException.class)
                .hasMessageContaining("its GPT has no ESP, no system slot A, no system slot B")
                .hasMessageContaining("\"root\"");
        assertThat(Files.readAllBytes(other)).isEqualTo(before);
        assertThatThrownBy(() -> AbDisk.openImageFile(dir.resolve("missing.img"), false))
                .hasMessageContaining("no such disk image file");
    }
}
