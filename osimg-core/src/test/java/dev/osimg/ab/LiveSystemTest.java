package dev.osimg.ab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osimg.install.LoaderState.Slot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the running slot and disk are learnt when the loader's variables are missing or odd. */
class LiveSystemTest {
    @TempDir
    Path dir;

    @Test
    void readsTheRunningSlotFromTheKernelCommandLineAsTheReferenceSystemPassesIt() {
        assertThat(LiveSystem.slotFromCmdline("console=ttyS0 root=PARTLABEL=METROPOLIS-SYSTEM-B ro quiet")).hasValue(Slot.B);
        assertThat(LiveSystem.slotFromCmdline("PARTLABEL=MYOS-SYSTEM-A")).hasValue(Slot.A);
        assertThat(LiveSystem.slotFromCmdline("root=/dev/vda2 PARTLABEL=METROPOLIS-SYSTEM-C")).isEmpty();
        assertThat(LiveSystem.slotFromCmdline("XPARTLABEL=METROPOLIS-SYSTEM-A")).isEmpty();
        assertThat(LiveSystem.slotFromCmdline("")).isEqualTo(Optional.empty());
    }

    @Test
    void withoutLoaderDevicePartUuidTheUserIsToldToNameTheDisk() throws Exception {
        assertThatThrownBy(() -> LiveSystem.detect(dir, "quiet"))
                .isInstanceOf(NotAnAbDiskException.class)
                .hasMessageContaining("LoaderDevicePartUUID-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f does not exist")
                .hasMessageContaining("--disk FILE or --device DEV");
    }

    @Test
    void withoutAnySignOfTheRunningSlotNothingIsGuessed() throws Exception {
        Files.write(dir.resolve("LoaderDevicePartUUID-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"),
                utf16("0F4E4E2C-2BC8-4B4E-9E84-1A4F2D0F1C01"));
        Files.write(dir.resolve("LoaderEntrySelected-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"), utf16("linux.efi"));
        assertThatThrownBy(() -> LiveSystem.detect(dir, "root=/dev/vda2"))
                .isInstanceOf(NotAnAbDiskException.class)
                .hasMessageContaining("cannot tell which slot runs: LoaderEntrySelected")
                .hasMessageContaining("\"linux.efi\"");
        // The slot from the command line is enough; then the disk must exist.
        assertThatThrownBy(() -> LiveSystem.detect(dir, "root=PARTLABEL=METROPOLIS-SYSTEM-A"))
                .isInstanceOf(NotAnAbDiskException.class)
                .hasMessageContaining("no disk holds the partition 0F4E4E2C-2BC8-4B4E-9E84-1A4F2D0F1C01");
    }

    private static byte[] utf16(String value) {
        byte[] text = (value + "\0").getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
        byte[] out = new byte[4 + text.length];
        out[0] = 6;
        System.arraycopy(text, 0, out, 4, text.length);
        return out;
    }
}
