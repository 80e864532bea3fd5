package dev.osimg.digest;

import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.security.MessageDigest;

/**
 * Gets SHA-256 compiled with its CPU intrinsic before a command hashes a payload.
 *
 * <p>Until the JIT's second tier has compiled the digest loop, SHA-256 runs in the interpreter
 * and the first tier at a small fraction of its speed: the first megabytes cost about 0.1 s of a
 * core, paid by every hashing thread that starts at the same time. A command that is about to
 * hash starts this while it still reads manifests and configs, when the other core is idle.
 */
public final class Sha256WarmUp {
    /** Enough for the compiled, intrinsic loop to be installed (measured: 3–4 MiB). */
    private static final int ROUNDS = 6;
    private static final int PIECE = 1 << 20;

    private Sha256WarmUp() {
    }

    /** Starts hashing a few megabytes in a background thread and returns at once. */
    public static void start() {
        Thread.ofPlatform().daemon().name("osimg-sha256-warm-up").start(() -> {
            try {
                // Off-heap and read-only, like the mapped files the hashers read: with an ordinary
                // direct buffer the compiled code was made for another buffer type and the real
                // hashing got slower, not faster (docs/benchmarks.md).
                ByteBuffer zeros = Arena.ofAuto().allocate(PIECE).asByteBuffer().asReadOnlyBuffer();
                for (int i = 0; i < ROUNDS; i++) {
                    MessageDigest sha256 = Digest.newSha256();
                    sha256.update(zeros.duplicate());
                    sha256.digest();
                }
            } catch (RuntimeException | OutOfMemoryError e) {
                // Only preparation: the hashing itself runs (and reports) as it would without it.
            }
        });
    }
}
