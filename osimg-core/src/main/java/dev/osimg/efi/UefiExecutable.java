package dev.osimg.efi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Checks that a file is a PE/COFF image that UEFI firmware runs as an application: the DOS
 * {@code MZ} stub, the {@code PE\0\0} signature where {@code e_lfanew} points, a PE32 or PE32+
 * optional header, and the EFI application subsystem (10) — what {@code kernel.efi} must be.
 */
public final class UefiExecutable {
    /** The PE optional header's subsystem value of a UEFI application. */
    public static final int SUBSYSTEM_EFI_APPLICATION = 10;

    private UefiExecutable() {
    }

    /** What is wrong with {@code file} as a UEFI application, or empty when it is one. */
    public static Optional<String> problem(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer dos = read(ch, 0, 64);
            if (dos.remaining() < 64 || dos.get(0) != 'M' || dos.get(1) != 'Z') {
                return Optional.of("it does not start with the \"MZ\" header of a PE/COFF executable");
            }
            long peOffset = Integer.toUnsignedLong(dos.getInt(0x3C));
            ByteBuffer pe = read(ch, peOffset, 24 + 70);
            if (pe.remaining() < 24 + 70 || pe.getInt(0) != 0x00004550) {
                return Optional.of("it has no PE signature at offset " + peOffset + " (an MS-DOS program, not a PE/COFF executable)");
            }
            int magic = Short.toUnsignedInt(pe.getShort(24));
            if (magic != 0x10b && magic != 0x20b) {
                return Optional.of(String.format("its PE optional header magic is 0x%x, not PE32 (0x10b) or PE32+ (0x20b)", magic));
            }
            int subsystem = Short.toUnsignedInt(pe.getShort(24 + 68));
            if (subsystem != SUBSYSTEM_EFI_APPLICATION) {
                return Optional.of("its PE subsystem is " + subsystem + ", not " + SUBSYSTEM_EFI_APPLICATION
                        + " (EFI application): firmware would not start it");
            }
            return Optional.empty();
        }
    }

    private static ByteBuffer read(FileChannel ch, long offset, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.hasRemaining() && ch.read(buf, offset + buf.position()) > 0) {
            // Short reads continue where they stopped.
        }
        return buf.flip();
    }
}
