package dev.osimg.osimage;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** A component of the OS and its version, as listed in the product info. */
@JsonPropertyOrder({"id", "version"})
public record Component(@JsonProperty("id") String id, @JsonProperty("version") String version) {
    public Component {
        id = id == null ? "" : id;
        version = version == null ? "" : version;
    }
}
