package dev.osimg.disk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.osimg.blob.BytesBlob;
import dev.osimg.blob.Progress;
import dev.osimg.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Random trees of files (names colliding in 8.3, odd characters, many sizes) survive a write and fsck.fat. */
class Fat32RoundTripProperties {
    @Provide
    Arbitrary<List<String>> paths() {
        Arbitrary<String> name = Arbitraries.strings().withChars("abcXYZ019 .-_~+,;=[]é").ofMinLength(1).ofMaxLength(30)
                .filter(s -> !s.endsWith(".") && !s.endsWith(" ") && !s.equals(".") && !s.equals(".."));
        Arbitrary<String> path = name.list().ofMinSize(1).ofMaxSize(3).map(parts -> String.join("/", parts));
        return path.list().ofMinSize(1).ofMaxSize(25);
    }

    @Property(tries = 15)
    void writtenTreesPassFsckAndReadBack(@ForAll("paths") List<String> paths) throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        Set<String> taken = new TreeSet<>();
        FatTree tree = new FatTree();
        Random random = new Random(paths.hashCode());
        for (String path : paths) {
            String key = path.toUpperCase(Locale.ROOT);
            // Skip paths that clash with an earlier file or directory (FAT names ignore case).
            if (taken.stream().anyMatch(t -> t.equals(key) || t.startsWith(key + "/") || key.startsWith(t + "/"))) {
                continue;
            }
            taken.add(key);
            byte[] content = new byte[random.nextInt(3) == 0 ? 0 : random.nextInt(5000)];
            random.nextBytes(content);
            tree.add(path, new BytesBlob(content));
            files.put(path, content);
        }
        Path dir = Files.createTempDirectory("fatprop");
        Path image = dir.resolve("fat.img");
        try {
            Fat32Layout layout = Fat32Layout.plan(34L << 20, 512, "PROP", tree);
            try (ImageFileDevice d = ImageFileDevice.create(image, 34L << 20, 512)) {
                new Fat32Writer(layout, 7, LocalDateTime.of(2020, 2, 29, 23, 59, 58)).write(d, 0, true, Progress.NONE);
                Fat32Volume reader = Fat32Volume.open(d);
                for (var e : files.entrySet()) {
                    assertThat(reader.readFile(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
                }
            }
            Tools.Result fsck = Tools.run("fsck.fat", "-n", "-V", image.toString());
            assertThat(fsck.exitCode()).as(files.keySet() + "\n" + fsck.output()).isZero();
        } finally {
            Files.deleteIfExists(image);
            Files.delete(dir);
        }
    }
}
