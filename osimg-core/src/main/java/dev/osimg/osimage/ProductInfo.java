package dev.osimg.osimage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.osimg.json.GoCompatibleJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What OS an image holds. Every field is always written (empty strings and {@code false}
 * included) except {@code components}, which is left out when empty, as the reference writer does.
 */
@JsonPropertyOrder({"id", "name", "version", "variant", "commit_hash", "commit_date", "build_tree_dirty", "components"})
public record ProductInfo(
        @JsonProperty("id") String id,
        @JsonProperty("name") String name,
        @JsonProperty("version") String version,
        @JsonProperty("variant") String variant,
        @JsonProperty("commit_hash") String commitHash,
        @JsonProperty("commit_date") String commitDate,
        @JsonProperty("build_tree_dirty") boolean buildTreeDirty,
        @JsonProperty("components") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Component> components) {

    /** An empty product info. */
    public static final ProductInfo EMPTY = new ProductInfo("", "", "", "", "", "", false, List.of());
    /** The largest product info file read: it is a few short strings. */
    public static final int MAX_FILE_SIZE = 1 << 20;

    public ProductInfo {
        id = orEmpty(id);
        name = orEmpty(name);
        version = orEmpty(version);
        variant = orEmpty(variant);
        commitHash = orEmpty(commitHash);
        commitDate = orEmpty(commitDate);
        components = components == null ? List.of() : List.copyOf(components);
    }

    /** Decodes a product info object as the reference does (see {@link GoCompatibleJson#goDecoder}); {@code what} names it. */
    public static ProductInfo parse(byte[] json, String what) throws OsImageFormatException {
        return GoDecoding.decode(json, ProductInfo.class, what, "product info object");
    }

    /** Reads a product info file of at most {@link #MAX_FILE_SIZE} bytes. */
    public static ProductInfo read(Path file) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_SIZE + 1);
        }
        if (bytes.length > MAX_FILE_SIZE) {
            throw new OsImageFormatException(file + " is larger than " + MAX_FILE_SIZE + " bytes; a product info file is a small"
                    + " JSON object");
        }
        return parse(bytes, file.toString());
    }

    /** The CPU architecture: the part of {@code variant} before the first {@code -}. */
    public String architecture() {
        int dash = variant.indexOf('-');
        return dash < 0 ? variant : variant.substring(0, dash);
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
