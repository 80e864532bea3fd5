package dev.osimg.registry;

import dev.osimg.osimage.BuildResult;
import dev.osimg.osimage.Compression;
import dev.osimg.osimage.OsImageBuilder;
import dev.osimg.osimage.ProductInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Small OS images built for tests: pseudo-random payloads, so every byte matters to the digests. */
public final class TestImages {
    private TestImages() {
    }

    /** Builds an uncompressed OS image with a kernel and a system payload of the given sizes, tagged {@code v1}. */
    public static BuildResult build(Path dir, long kernelSize, long systemSize, long seed) throws IOException {
        Files.createDirectories(dir);
        Path kernel = dir.resolve("kernel.efi");
        Path system = dir.resolve("system");
        writeRandom(kernel, kernelSize, seed);
        writeRandom(system, systemSize, seed + 1);
        ProductInfo info = new ProductInfo("test-os", "Test OS", "1.0", "x86_64", "", "", false, List.of());
        return new OsImageBuilder()
                .payload("kernel.efi", kernel)
                .payload("system", system)
                .productInfo(info)
                .compression(new Compression.None())
                .tag("v1")
                .build(dir.resolve("layout"));
    }

    static void writeRandom(Path file, long size, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] buffer = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long done = 0; done < size; ) {
                random.nextBytes(buffer);
                int n = (int) Math.min(buffer.length, size - done);
                out.write(buffer, 0, n);
                done += n;
            }
        }
    }
}
