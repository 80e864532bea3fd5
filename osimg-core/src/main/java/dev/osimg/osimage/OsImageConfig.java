package dev.osimg.osimage;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/** The OS image config blob: format version, product info and the payloads, in layer order. */
@JsonPropertyOrder({"format_version", "product_info", "payloads"})
public record OsImageConfig(
        @JsonProperty("format_version") String formatVersion,
        @JsonProperty("product_info") ProductInfo productInfo,
        @JsonProperty("payloads") List<PayloadInfo> payloads) {

    /** The only format version readers accept. */
    public static final String FORMAT_VERSION = "1";

    public OsImageConfig {
        payloads = payloads == null ? null : List.copyOf(payloads);
    }
}
