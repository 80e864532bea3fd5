package dev.osimg.cli;

import java.util.Locale;

/** Human-readable sizes and rates. */
final class Sizes {
    private Sizes() {
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static String rate(long bytes, long nanos) {
        if (nanos <= 0) {
            return "-";
        }
        return bytes((long) (bytes / (nanos / 1e9))) + "/s";
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    /** Parses a size such as {@code 5G}, {@code 512M}, {@code 4GiB} or a plain byte count (binary units). */
    static long parse(String text) {
        String t = text.strip().toUpperCase(Locale.ROOT);
        if (t.endsWith("IB")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("B") && t.length() > 1 && !Character.isDigit(t.charAt(t.length() - 2))) {
            t = t.substring(0, t.length() - 1);
        }
        int shift = 0;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'K' -> shift = 10;
                case 'M' -> shift = 20;
                case 'G' -> shift = 30;
                case 'T' -> shift = 40;
                default -> shift = -1;
            }
        }
        String digits = shift < 0 ? t : t.substring(0, t.length() - 1);
        try {
            long value = Long.parseLong(digits);
            if (value <= 0 || value > (Long.MAX_VALUE >> Math.max(shift, 0))) {
                throw new NumberFormatException();
            }
            return value << Math.max(shift, 0);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size \"" + text + "\" is not a positive size like 5G, 512M or 1073741824");
        }
    }
}
