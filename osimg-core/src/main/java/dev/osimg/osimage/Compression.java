package dev.osimg.osimage;

/** How payloads are stored: as they are, or as one zstd frame each. */
public sealed interface Compression {
    /** Stored uncompressed, so installs can clone or {@code copy_file_range} them. */
    record None() implements Compression {
    }

    /**
     * zstd at the given level: one frame per payload (what the reference writer produces), or,
     * when {@code seekable}, one frame per hash chunk plus a seek table, so that chunks can be
     * fetched and decoded one by one (delta updates).
     */
    record Zstd(int level, boolean seekable) implements Compression {
        public Zstd {
            if (level < 1 || level > 22) {
                throw new IllegalArgumentException("zstd level must be between 1 and 22, got " + level);
            }
        }

        /** One frame per payload. */
        public Zstd(int level) {
            this(level, false);
        }

        /** The same level, seekable. */
        public Zstd asSeekable() {
            return new Zstd(level, true);
        }
    }

    /** The default: zstd level 3, seekable (see docs/benchmarks.md for what that costs). */
    Compression DEFAULT = new Zstd(3, true);

    /** Parses {@code none}, {@code zstd} or {@code zstd:LEVEL} (one frame; {@link Zstd#asSeekable} makes it seekable). */
    static Compression parse(String text) {
        if (text.equals("none")) {
            return new None();
        }
        if (text.equals("zstd")) {
            return new Zstd(3);
        }
        if (text.startsWith("zstd:")) {
            String level = text.substring(5);
            try {
                return new Zstd(Integer.parseInt(level));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("zstd level must be a number, got \"" + level + "\"");
            }
        }
        throw new IllegalArgumentException("compression must be none, zstd or zstd:LEVEL, got \"" + text + "\"");
    }
}
