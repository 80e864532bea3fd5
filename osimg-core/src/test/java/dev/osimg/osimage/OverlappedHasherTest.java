package dev.osimg.osimage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.osimg.blob.Progress;
import dev.osimg.digest.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The overlapped copy and hashes give the same digest and chunk hashes as hashing the file plainly. */
class OverlappedHasherTest {
    /** Small chunks, so that regions (8 chunks) and their boundaries are cheap to cross. */
    private static final int CHUNK = 4096;
    private static final int REGION = 8 * CHUNK;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(ints = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, REGION - 1, REGION, REGION + 1, 5 * REGION + 3 * CHUNK + 17, 40 * REGION})
    void copyAndHashMatchPlainHashing(int size) throws IOException {
        Path source = payload(size);
        Path target = Files.createFile(dir.resolve("blob"));
        AtomicLong progress = new AtomicLong();
        OverlappedHasher.Hashes hashes = OverlappedHasher.copyAndHash(source, target, size, CHUNK, counting(progress));

        assertThat(Files.readAllBytes(target)).isEqualTo(Files.readAllBytes(source));
        assertThat(hashes.digest()).isEqualTo(Digest.ofFile(source));
        assertThat(hashes.chunkHashes()).isEqualTo(plainChunkHashes(Files.readAllBytes(source), CHUNK));
        assertThat(progress.get()).isEqualTo(size);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, CHUNK, REGION + 1, 13 * REGION + 5})
    void hashInPlaceMatchesPlainHashing(int size) throws IOException {
        Path source = payload(size);
        AtomicLong progress = new AtomicLong();
        OverlappedHasher.Hashes hashes = OverlappedHasher.hash(source, size, CHUNK, counting(progress));

        assertThat(hashes.digest()).isEqualTo(Digest.ofFile(source));
        assertThat(hashes.chunkHashes()).isEqualTo(plainChunkHashes(Files.readAllBytes(source), CHUNK));
        assertThat(progress.get()).isEqualTo(size);
    }

    @Test
    void aPayloadOfMoreThanAThousandRegionsIsCutIntoLargerRegions() throws IOException {
        int chunk = 64;
        int size = 1100 * 8 * chunk + 5;
        Path source = payload(size);
        OverlappedHasher.Hashes hashes = OverlappedHasher.copyAndHash(source, Files.createFile(dir.resolve("blob")), size, chunk,
                Progress.NONE);

        assertThat(hashes.digest()).isEqualTo(Digest.ofFile(source));
        assertThat(hashes.chunkHashes()).isEqualTo(plainChunkHashes(Files.readAllBytes(source), chunk));
    }

    @Test
    void aPayloadShorterThanItsSizeIsAnErrorNamingIt() throws IOException {
        Path source = payload(3 * REGION);
        assertThatThrownBy(() -> OverlappedHasher.copyAndHash(source, Files.createFile(dir.resolve("blob")), 5 * REGION, CHUNK,
                Progress.NONE))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(source.toString())
                .hasMessageContaining("ended after " + 3 * REGION + " of " + 5 * REGION + " bytes");
    }

    @Test
    void aFileWhoseSizeChangedIsAnError() throws IOException {
        Path source = payload(REGION);
        assertThatThrownBy(() -> OverlappedHasher.hash(source, REGION + 1, CHUNK, Progress.NONE))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is " + REGION + " bytes, not " + (REGION + 1));
    }

    private Path payload(int size) throws IOException {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        Path file = dir.resolve("payload-" + size);
        Files.write(file, bytes);
        return file;
    }

    private static List<String> plainChunkHashes(byte[] bytes, int chunk) {
        List<String> hashes = new ArrayList<>();
        for (int start = 0; start < bytes.length; start += chunk) {
            MessageDigest sha256 = Digest.newSha256();
            sha256.update(Arrays.copyOfRange(bytes, start, Math.min(bytes.length, start + chunk)));
            hashes.add(Base64.getEncoder().withoutPadding().encodeToString(sha256.digest()));
        }
        return hashes;
    }

    private static Progress counting(AtomicLong total) {
        return new Progress() {
            @Override
            public void advance(long bytes) {
                assertThat(bytes).isPositive();
                total.addAndGet(bytes);
            }
        };
    }
}
