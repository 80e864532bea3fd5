package dev.osimg.osimage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
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

    public ProductInfo {
        id = orEmpty(id);
        name = orEmpty(name);
        version = orEmpty(version);
        variant = orEmpty(variant);
        commitHash = orEmpty(commitHash);
        commitDate = orEmpty(commitDate);
        components = components == null ? List.of() : List.copyOf(components);
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
