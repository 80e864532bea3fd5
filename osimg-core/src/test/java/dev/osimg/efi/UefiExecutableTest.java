package dev.osimg.efi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UefiExecutableTest {
    @TempDir
    Path dir;

    @Test
    void acceptsSystemdsUefiStubAndATestKernel() throws Exception {
        assertThat(UefiExecutable.problem(Path.of("/usr/lib/systemd/boot/efi/linuxx64.efi.stub"))).isEmpty();
        assertThat(UefiExecutable.problem(Path.of("/usr/lib/systemd/boot/efi/systemd-bootx64.efi"))).isEmpty();
    }

    @Test
    void namesWhatIsWrong() throws Exception {
        assertThat(UefiExecutable.problem(Files.write(dir.resolve("random"), new byte[] {1, 2, 3})))
                .hasValueSatisfying(p -> assertThat(p).contains("\"MZ\""));
        byte[] dosOnly = new byte[128];
        dosOnly[0] = 'M';
        dosOnly[1] = 'Z';
        dosOnly[0x3C] = 0x40;
        assertThat(UefiExecutable.problem(Files.write(dir.resolve("dos"), dosOnly)))
                .hasValueSatisfying(p -> assertThat(p).contains("no PE signature at offset 64"));
        byte[] elf = Files.readAllBytes(Path.of("/usr/lib/systemd/boot/efi/linuxx64.efi.stub"));
        int pe = java.nio.ByteBuffer.wrap(elf).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0x3C);
        elf[pe + 24 + 68] = 3;
        assertThat(UefiExecutable.problem(Files.write(dir.resolve("console"), elf)))
                .hasValueSatisfying(p -> assertThat(p).contains("PE subsystem is 3, not 10"));
    }
}
