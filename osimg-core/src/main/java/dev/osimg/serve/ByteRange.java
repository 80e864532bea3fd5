package dev.osimg.serve;

/**
 * A {@code Range} request header read per RFC 9110 (section 14): one {@code bytes} range, a
 * first position with an optional last ({@code bytes=N-}, {@code bytes=N-M}) or a suffix
 * ({@code bytes=-N}, the last N bytes). A header that is not a single valid byte range (another
 * unit, several ranges, bad syntax) is ignored and the whole blob is sent; numbers too large
 * for a long are as good as infinite.
 *
 * @param start the first byte to send
 * @param end the last byte to send (inclusive)
 */
record ByteRange(long start, long end) {
    /** What a {@code Range} header asks of a blob of a given size. */
    sealed interface Outcome {
    }

    /** Send the whole blob with 200: no header, or one that is ignored. */
    record Whole() implements Outcome {
    }

    /** Send this part with 206. */
    record Part(ByteRange range) implements Outcome {
    }

    /** Answer 416: the range is valid but lies beyond the blob. */
    record Unsatisfiable() implements Outcome {
    }

    private static final long INFINITE = Long.MAX_VALUE;

    /** The length of the range. */
    long length() {
        return end - start + 1;
    }

    /** Reads a {@code Range} header (null when absent) for a blob of {@code size} bytes. */
    static Outcome parse(String header, long size) {
        if (header == null) {
            return new Whole();
        }
        String h = header.strip();
        int eq = h.indexOf('=');
        if (eq < 0 || !h.substring(0, eq).strip().equalsIgnoreCase("bytes")) {
            return new Whole();
        }
        String spec = h.substring(eq + 1).strip();
        if (spec.indexOf(',') >= 0) {
            // Several ranges: RFC 9110 lets a server ignore them; real registries do too.
            return new Whole();
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return new Whole();
        }
        String first = spec.substring(0, dash).strip();
        String last = spec.substring(dash + 1).strip();
        if (first.isEmpty()) {
            long suffix = number(last);
            if (suffix < 0) {
                return new Whole();
            }
            if (suffix == 0 || size == 0) {
                return new Unsatisfiable();
            }
            return new Part(new ByteRange(Math.max(0, size - suffix), size - 1));
        }
        long start = number(first);
        long end = last.isEmpty() ? INFINITE : number(last);
        if (start < 0 || end < 0 || end < start) {
            return new Whole();
        }
        if (start >= size) {
            return new Unsatisfiable();
        }
        return new Part(new ByteRange(start, Math.min(end, size - 1)));
    }

    /** A run of digits as a number (too large: {@link #INFINITE}), or -1 when it is not one. */
    private static long number(String digits) {
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        String trimmed = digits.replaceFirst("^0+(?=.)", "");
        return trimmed.length() > 18 ? INFINITE : Long.parseLong(trimmed);
    }
}
