package dev.osimg.disk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osimg.blob.BytesBlob;
import dev.osimg.blob.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Random sequences of in-place edits (add, replace, delete, make directories) agree with a model, fsck.fat and mtools. */
class Fat32EditProperties {
    private static final LocalDateTime TIME = LocalDateTime.of(2030, 12, 31, 23, 59, 58);

    /** One edit: what, where, and the size of new content. */
    record Edit(int kind, String path, int size) {
    }

    @Provide
    Arbitrary<List<Edit>> edits() {
        Arbitrary<String> name = Arbitraries.strings().withChars("abAB01 .-_~é").ofMinLength(1).ofMaxLength(20)
                .filter(s -> !s.endsWith(".") && !s.endsWith(" ") && !s.equals(".") && !s.equals(".."));
        Arbitrary<String> path = Arbitraries.of("", "EFI/", "EFI/metropolis/", "d/e/").flatMap(prefix -> name.map(n -> prefix + n));
        Arbitrary<Integer> size = Arbitraries.oneOf(Arbitraries.of(0, 1, 511, 512, 513), Arbitraries.integers().between(0, 40_000));
        return Combinators.combine(Arbitraries.integers().between(0, 3), path, size).as(Edit::new).list().ofMinSize(1).ofMaxSize(30);
    }

    @Property(tries = 12)
    void randomEditSequencesKeepTheFilesystemCleanAndReadable(@ForAll("edits") List<Edit> edits) throws Exception {
        Map<String, byte[]> model = new TreeMap<>();
        Set<String> directories = new HashSet<>();
        Path dir = Files.createTempDirectory("fatedit");
        Path image = dir.resolve("esp.img");
        Random random = new Random(edits.hashCode());
        try {
            FatTree tree = new FatTree();
            tree.add("EFI/metropolis/loader_state.pb", new BytesBlob(new byte[] {8, 1}));
            model.put("EFI/metropolis/loader_state.pb", new byte[] {8, 1});
            try (ImageFileDevice d = ImageFileDevice.create(image, 34L << 20, 512)) {
                new Fat32Writer(Fat32Layout.plan(34L << 20, 512, "EDIT", tree), 1, TIME).write(d, 0, true, Progress.NONE);
            }
            try (ImageFileDevice d = ImageFileDevice.open(image, 512, true)) {
                Fat32Volume v = Fat32Volume.open(d);
                for (Edit e : edits) {
                    String existing = existingKey(model, e.path());
                    // A file where a directory is wanted or the other way round: FAT refuses it, so the model skips it.
                    boolean clashes = model.keySet().stream().anyMatch(k -> isPrefix(k, e.path()) || isPrefix(e.path(), k))
                            || directories.stream().anyMatch(k -> isPrefix(e.path(), k));
                    switch (e.kind()) {
                        case 0, 1 -> {
                            if (clashes && existing == null) {
                                continue;
                            }
                            byte[] content = new byte[e.size()];
                            random.nextBytes(content);
                            v.writeFile(e.path(), new BytesBlob(content), TIME, Progress.NONE);
                            if (existing != null) {
                                model.remove(existing);
                            }
                            model.put(existing != null ? existing : e.path(), content);
                        }
                        case 2 -> {
                            String victim = model.isEmpty() ? null : List.copyOf(model.keySet()).get(e.size() % model.size());
                            if (victim != null) {
                                v.deleteFile(victim);
                                model.remove(victim);
                            }
                        }
                        default -> {
                            if (model.keySet().stream().noneMatch(k -> isPrefix(k, e.path()))) {
                                v.makeDirectories(e.path(), TIME);
                                directories.add(e.path());
                            }
                        }
                    }
                }
                for (var f : model.entrySet()) {
                    assertThat(v.readFile(f.getKey())).as(f.getKey()).isEqualTo(f.getValue());
                }
            }
            Fat32VolumeTest.assertClean(image);
            for (var f : model.entrySet()) {
                assertThat(Fat32VolumeTest.mtype(image, f.getKey())).as("mtools: " + f.getKey()).isEqualTo(f.getValue());
            }
        } finally {
            Files.deleteIfExists(image);
            Files.delete(dir);
        }
    }

    private static String existingKey(Map<String, byte[]> model, String path) {
        return model.keySet().stream().filter(k -> k.equalsIgnoreCase(path)).findFirst().orElse(null);
    }

    /** Whether {@code a} names a directory on the way to {@code b} (or the same name as a file), ignoring case. */
    private static boolean isPrefix(String a, String b) {
        String x = a.toUpperCase(Locale.ROOT);
        String y = b.toUpperCase(Locale.ROOT);
        return x.equals(y) || y.startsWith(x + "/");
    }
}
