package dev.osimg.disk;

import dev.osimg.blob.Blob;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The files and directories to put on a FAT32 filesystem, by path ({@code EFI/BOOT/BOOTx64.EFI}); kept in insertion order. */
public final class FatTree {
    private static final String FORBIDDEN = "\"*/:<>?\\|";

    /** A node of the tree: a directory or a file. */
    public sealed interface Node permits Directory, File {
        /** The long name as given. */
        String name();
    }

    /** A directory and its children, in insertion order. */
    public static final class Directory implements Node {
        private final String name;
        private final Map<String, Node> children = new LinkedHashMap<>();

        Directory(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        /** The children, in insertion order. */
        public List<Node> children() {
            return new ArrayList<>(children.values());
        }
    }

    /** A file and where its bytes come from. */
    public record File(String name, Blob content) implements Node {
    }

    private final Directory root = new Directory("");

    /** The root directory. */
    public Directory root() {
        return root;
    }

    /** The bytes of all files together: what writing the tree's files writes (its progress total). */
    public long fileBytes() {
        return fileBytes(root);
    }

    private static long fileBytes(Directory dir) {
        long total = 0;
        for (Node node : dir.children()) {
            total += switch (node) {
                case Directory d -> fileBytes(d);
                case File f -> f.content().size();
            };
        }
        return total;
    }

    /** Adds a file at {@code path} ({@code /}-separated), creating its directories. */
    public FatTree add(String path, Blob content) {
        String[] parts = path.split("/");
        Directory dir = root;
        for (int i = 0; i < parts.length - 1; i++) {
            String part = checkName(parts[i], path);
            Node existing = dir.children.get(key(part));
            if (existing instanceof File) {
                throw new IllegalArgumentException("FAT path " + path + ": " + part + " is a file, not a directory");
            }
            if (existing == null) {
                existing = new Directory(part);
                dir.children.put(key(part), existing);
            }
            dir = (Directory) existing;
        }
        String name = checkName(parts[parts.length - 1], path);
        if (dir.children.containsKey(key(name))) {
            throw new IllegalArgumentException("FAT path " + path + " is given twice (FAT names ignore case)");
        }
        dir.children.put(key(name), new File(name, content));
        return this;
    }

    private static String key(String name) {
        return name.toUpperCase(Locale.ROOT);
    }

    /** Returns {@code name} when FAT allows it as a file name, else throws naming {@code path}. */
    static String checkName(String name, String path) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.length() > 255 || name.endsWith(".")
                || name.endsWith(" ")) {
            throw new IllegalArgumentException("FAT path " + path + ": \"" + name + "\" is not a valid file name");
        }
        for (char c : name.toCharArray()) {
            if (c < 0x20 || FORBIDDEN.indexOf(c) >= 0) {
                throw new IllegalArgumentException("FAT path " + path + ": \"" + name + "\" contains '" + c
                        + "', which FAT does not allow");
            }
        }
        return name;
    }
}
