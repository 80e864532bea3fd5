package dev.osimg.loader;

import dev.osimg.blob.BytesBlob;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The A/B loader osimg ships, {@code osimg-abloader}: a UEFI program built from {@code osimg-loader/} (C, gnu-efi)
 * into a resource of this library, which boots {@code EFI/metropolis/boot-a.efi} or {@code boot-b.efi} as
 * {@code EFI/metropolis/loader_state.pb} says (see docs/loader.md).
 */
public final class AbLoader {
    /** The loader's name, as it reports itself in the {@code LoaderInfo} EFI variable and on the console. */
    public static final String NAME = "osimg-abloader";
    /** The architecture the loader is built for (the image architecture names of {@code product_info.variant}). */
    public static final String ARCHITECTURE = "x86_64";

    private static final String RESOURCE = "osimg-abloader-x64.efi";
    private static volatile byte[] x64;

    private AbLoader() {
    }

    /** The loader for an image architecture ({@code x86_64}; empty meaning x86_64), or empty when none is built for it. */
    public static Optional<BytesBlob> forArchitecture(String architecture) {
        if (architecture.isEmpty() || architecture.equals(ARCHITECTURE)) {
            return Optional.of(new BytesBlob(bytes()));
        }
        return Optional.empty();
    }

    /** The x86_64 loader's bytes (a PE32+ EFI application of some 60 KiB), read once from the resource. */
    public static byte[] bytes() {
        byte[] b = x64;
        if (b == null) {
            b = read();
            x64 = b;
        }
        return b.clone();
    }

    private static byte[] read() {
        try (InputStream in = AbLoader.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("this build of osimg has no A/B loader (resource dev/osimg/loader/" + RESOURCE
                        + "): build osimg with Maven, which compiles osimg-loader/ with gcc, make and gnu-efi");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading the A/B loader resource " + RESOURCE, e);
        }
    }
}
