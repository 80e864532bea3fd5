package dev.osimg.serve;

import dev.osimg.oci.Index;
import dev.osimg.oci.OciLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The index of each served layout, read again only when {@code index.json} changed (its size,
 * modification time or file), so that a layout updated in place is served as it is now without
 * every request reading and parsing it.
 */
final class LayoutIndexes {
    private record Cached(Object fileKey, long size, long modified, Index index) {
    }

    private final Map<Path, Cached> cache = new ConcurrentHashMap<>();

    /** The current index of the layout at {@code dir}. */
    Index index(Path dir) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(dir.resolve("index.json"), BasicFileAttributes.class);
        Cached cached = cache.get(dir);
        if (cached != null && java.util.Objects.equals(cached.fileKey(), attributes.fileKey()) && cached.size() == attributes.size()
                && cached.modified() == attributes.lastModifiedTime().toMillis()) {
            return cached.index();
        }
        Index index = OciLayout.open(dir).index();
        cache.put(dir, new Cached(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime().toMillis(), index));
        return index;
    }
}
