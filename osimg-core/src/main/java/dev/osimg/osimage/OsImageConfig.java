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

    /** Decodes a config as the reference does (see {@link dev.osimg.json.GoCompatibleJson#goDecoder}); {@code what} names it. */
    public static OsImageConfig parse(byte[] json, String what) throws OsImageFormatException {
        return GoDecoding.decode(json, OsImageConfig.class, what, "OS image config");
    }
}
