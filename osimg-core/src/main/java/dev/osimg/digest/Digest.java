package dev.osimg.digest;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest, always {@code sha256:} plus 64 lowercase hex digits.
 *
 * <p>Validated on construction so that a digest taken from a manifest can be turned into a
 * file name or a URL path without any way of escaping {@code blobs/sha256/}.
 */
public record Digest(String hex) {
    /** The only algorithm prefix osimg accepts. */
    public static final String ALGORITHM = "sha256";

    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public Digest {
        if (hex == null || !HEX64.matcher(hex).matches()) {
            throw new InvalidDigestException("sha256 digest must be 64 lowercase hex digits, got "
                    + quote(hex));
        }
    }

    // Written out rather than generated: a record's generated equals and hashCode are bound through
    // invokedynamic on first use, 10 ms at the start of every command that compares digests.
    @Override
    public boolean equals(Object other) {
        return other instanceof Digest d && hex.equals(d.hex);
    }

    @Override
    public int hashCode() {
        return hex.hashCode();
    }

    /** The SHA-256 of a file, read through a mapping (no copy into the heap). */
    public static Digest ofFile(Path file) throws IOException {
        MessageDigest sha256 = newSha256();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
            long size = channel.size();
            if (size > 0) {
                MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
                long step = 64L << 20;
                for (long at = 0; at < size; at += step) {
                    sha256.update(mapped.asSlice(at, Math.min(step, size - at)).asByteBuffer());
                }
            }
        }
        return fromSha256(sha256.digest());
    }

    /** Parses {@code sha256:<hex>}; every other algorithm or form is rejected. */
    @JsonCreator
    public static Digest parse(String text) {
        if (text == null) {
            throw new InvalidDigestException("digest is missing");
        }
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new InvalidDigestException("digest " + quote(text) + " has no algorithm prefix; expected sha256:<64 hex digits>");
        }
        String algorithm = text.substring(0, colon);
        if (!algorithm.equals(ALGORITHM)) {
            throw new InvalidDigestException("digest " + quote(text) + " uses algorithm " + quote(algorithm)
                    + "; only sha256 is supported");
        }
        String hex = text.substring(colon + 1);
        if (!HEX64.matcher(hex).matches()) {
            throw new InvalidDigestException("digest " + quote(text) + " is not sha256:<64 lowercase hex digits>");
        }
        return new Digest(hex);
    }

    /** The digest of the given bytes. */
    public static Digest of(byte[] bytes) {
        return fromSha256(newSha256().digest(bytes));
    }

    /** Wraps a raw 32-byte SHA-256 value. */
    public static Digest fromSha256(byte[] sha256) {
        if (sha256.length != 32) {
            throw new IllegalArgumentException("SHA-256 value must be 32 bytes, got " + sha256.length);
        }
        return new Digest(HexFormat.of().formatHex(sha256));
    }

    /** A new SHA-256 {@link MessageDigest}; every JDK has one. */
    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The short form used in messages: the first 12 hex digits. */
    public String shortHex() {
        return hex.substring(0, 12);
    }

    @JsonValue
    @Override
    public String toString() {
        return ALGORITHM + ":" + hex;
    }

    private static String quote(String s) {
        if (s == null) {
            return "null";
        }
        String shown = s.length() > 100 ? s.substring(0, 100) + "…" : s;
        return "\"" + shown + "\"";
    }
}
