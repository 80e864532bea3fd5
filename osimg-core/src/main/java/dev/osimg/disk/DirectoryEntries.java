package dev.osimg.disk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/** Encodes FAT directory entries: 8.3 short names, long-name (VFAT) entries, timestamps. */
final class DirectoryEntries {
    static final int SIZE = 32;
    static final int ATTR_VOLUME_ID = 0x08;
    static final int ATTR_DIRECTORY = 0x10;
    static final int ATTR_ARCHIVE = 0x20;
    static final int ATTR_LONG_NAME = 0x0F;
    private static final int CHARS_PER_LFN = 13;
    private static final String SHORT_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'()-@^_`{}~";
    private static final int[] LFN_OFFSETS = {1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30};

    private DirectoryEntries() {
    }

    /** Directory slots a name takes: one short entry, plus long-name entries unless it is a plain 8.3 upper-case name. */
    static int slots(String name) {
        return plainShortName(name) != null ? 1 : 1 + longNameSlots(name);
    }

    /** The long-name entries {@code name} takes. */
    static int longNameSlots(String name) {
        return (name.length() + CHARS_PER_LFN - 1) / CHARS_PER_LFN;
    }

    /** The 11-byte short name when {@code name} is exactly a valid upper-case 8.3 name, else null. */
    static byte[] plainShortName(String name) {
        int dot = name.lastIndexOf('.');
        String base = dot < 0 ? name : name.substring(0, dot);
        String ext = dot < 0 ? "" : name.substring(dot + 1);
        if (base.isEmpty() || base.length() > 8 || ext.length() > 3 || (dot >= 0 && ext.isEmpty())
                || !validShort(base) || !validShort(ext)) {
            return null;
        }
        return pad(base, ext);
    }

    /** A unique short name {@code BASIS~N.EXT} for a long name, not in {@code taken}. */
    static byte[] generatedShortName(String name, Set<String> taken) {
        String upper = name.toUpperCase(Locale.ROOT);
        int dot = upper.lastIndexOf('.');
        String base = strip(dot <= 0 ? upper : upper.substring(0, dot));
        String ext = strip(dot <= 0 ? "" : upper.substring(dot + 1));
        if (base.isEmpty()) {
            base = "_";
        }
        ext = ext.substring(0, Math.min(3, ext.length()));
        for (int n = 1; ; n++) {
            String tail = "~" + n;
            String candidate = base.substring(0, Math.min(base.length(), 8 - tail.length())) + tail;
            byte[] bytes = pad(candidate, ext);
            if (taken.add(new String(bytes, StandardCharsets.US_ASCII))) {
                return bytes;
            }
        }
    }

    private static String strip(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == ' ' || c == '.') {
                continue;
            }
            out.append(SHORT_CHARS.indexOf(c) >= 0 ? c : '_');
        }
        return out.toString();
    }

    private static boolean validShort(String s) {
        return s.chars().allMatch(c -> SHORT_CHARS.indexOf(c) >= 0);
    }

    private static byte[] pad(String base, String ext) {
        byte[] out = new byte[11];
        Arrays.fill(out, (byte) ' ');
        byte[] b = base.getBytes(StandardCharsets.US_ASCII);
        byte[] e = ext.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, out, 0, b.length);
        System.arraycopy(e, 0, out, 8, e.length);
        return out;
    }

    /** The checksum of a short name that each of its long-name entries carries. */
    static int checksum(byte[] shortName) {
        int sum = 0;
        for (int i = 0; i < 11; i++) {
            sum = (((sum & 1) << 7) + ((sum & 0xff) >> 1) + (shortName[i] & 0xff)) & 0xff;
        }
        return sum;
    }

    /** Writes the long-name entries for {@code name} (last part first, as FAT stores them) at the buffer's position. */
    static void putLongName(ByteBuffer out, String name, byte[] shortName) {
        int parts = (name.length() + CHARS_PER_LFN - 1) / CHARS_PER_LFN;
        int sum = checksum(shortName);
        for (int part = parts; part >= 1; part--) {
            byte[] entry = new byte[SIZE];
            ByteBuffer e = ByteBuffer.wrap(entry).order(ByteOrder.LITTLE_ENDIAN);
            entry[0] = (byte) (part | (part == parts ? 0x40 : 0));
            entry[11] = ATTR_LONG_NAME;
            entry[13] = (byte) sum;
            int from = (part - 1) * CHARS_PER_LFN;
            for (int i = 0; i < CHARS_PER_LFN; i++) {
                int at = from + i;
                char c = at < name.length() ? name.charAt(at) : at == name.length() ? 0 : (char) 0xFFFF;
                e.putShort(LFN_OFFSETS[i], (short) c);
            }
            out.put(entry);
        }
    }

    /** Writes one short (8.3) entry at the buffer's position. */
    static void putShort(ByteBuffer out, byte[] shortName, int attributes, long cluster, long size, LocalDateTime time) {
        int start = out.position();
        out.put(shortName);
        out.put((byte) attributes);
        out.put((byte) 0);
        out.put((byte) 0);
        int dosTime = time.getHour() << 11 | time.getMinute() << 5 | time.getSecond() / 2;
        int dosDate = (time.getYear() - 1980) << 9 | time.getMonthValue() << 5 | time.getDayOfMonth();
        out.putShort((short) dosTime);
        out.putShort((short) dosDate);
        out.putShort((short) dosDate);
        out.putShort((short) (cluster >>> 16));
        out.putShort((short) dosTime);
        out.putShort((short) dosDate);
        out.putShort((short) cluster);
        out.putInt((int) size);
        out.position(start + SIZE);
    }
}
