package dev.osimg.osimage;

/** How payloads are stored: as they are, or as one zstd frame each. */
public sealed interface Compression {
    /** Stored uncompressed, so installs can clone or {@code copy_file_range} them. */
    record None() implements Compression {
    }

    /** One zstd frame per payload at the given level. */
    record Zstd(int level) implements Compression {
        public Zstd {
            if (level < 1 || level > 22) {
                throw new IllegalArgumentException("zstd level must be between 1 and 22, got " + level);
            }
        }
    }

    /** The default: zstd level 3. */
    Compression DEFAULT = new Zstd(3);

    /** Parses {@code none}, {@code zstd} or {@code zstd:LEVEL}. */
    static Compression parse(String text) {
        if (text.equals("none")) {
            return new None();
        }
        if (text.equals("zstd")) {
            return DEFAULT;
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
