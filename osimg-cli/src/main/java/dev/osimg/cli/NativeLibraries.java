package dev.osimg.cli;

import dev.osimg.linux.TemporaryFiles;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where zstd-jni unpacks its native library. By itself it writes a new file into
 * {@code java.io.tmpdir} on every run and deletes it only at a normal exit, so each killed run
 * leaves one behind; here it unpacks into a temporary directory owned by this process, which a
 * signal removes and the next run sweeps once the owner is gone.
 */
final class NativeLibraries {
    private static final String ZSTD_TEMP_FOLDER = "ZstdTempFolder";
    private static final String ZSTD_NATIVE_PATH = "ZstdNativePath";

    private NativeLibraries() {
    }

    /** Points zstd-jni at an owned temporary directory, unless the user chose a place for it already. */
    static void unpackIntoOwnedTemporary() {
        if (System.getProperty(ZSTD_TEMP_FOLDER) != null || System.getProperty(ZSTD_NATIVE_PATH) != null) {
            return;
        }
        try {
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
            TemporaryFiles.sweep(tmp);
            System.setProperty(ZSTD_TEMP_FOLDER, TemporaryFiles.createDirectory(tmp, "native").toString());
        } catch (IOException | RuntimeException e) {
            // Then zstd-jni unpacks into java.io.tmpdir as it always did; nothing else depends on this.
        }
    }
}
