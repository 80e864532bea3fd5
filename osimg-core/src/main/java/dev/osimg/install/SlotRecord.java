package dev.osimg.install;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.osimg.json.GoCompatibleJson;
import dev.osimg.osimage.OsImage;
import dev.osimg.osimage.OsImageFormatException;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * What a system slot holds, written to the ESP beside the kernel ({@code EFI/metropolis/slot-a.json}) by install and
 * update, so that {@code osimg status} reports it instead of guessing.
 *
 * @param slot           {@code a} or {@code b}
 * @param image          where the image came from, as given
 * @param manifestDigest the image's manifest digest
 * @param productName    the product name of the image
 * @param version        the product version
 * @param systemSize     the size of the {@code system} payload written to the slot
 * @param written        when the slot was written (UTC, ISO-8601)
 * @param writtenBy      the operation: {@code install} or {@code update}
 */
@JsonPropertyOrder({"slot", "image", "manifest_digest", "product_name", "version", "system_size", "written", "written_by"})
public record SlotRecord(@JsonProperty("slot") String slot, @JsonProperty("image") String image,
                         @JsonProperty("manifest_digest") String manifestDigest, @JsonProperty("product_name") String productName,
                         @JsonProperty("version") String version, @JsonProperty("system_size") long systemSize,
                         @JsonProperty("written") String written, @JsonProperty("written_by") String writtenBy) {
    /** The record's path on the ESP for a slot. */
    public static String path(LoaderState.Slot slot) {
        return "EFI/metropolis/slot-" + slot.name().toLowerCase(Locale.ROOT) + ".json";
    }

    /** The record of {@code image} written to {@code slot} at {@code time} (UTC) by {@code operation}. */
    public static SlotRecord of(LoaderState.Slot slot, OsImage image, LocalDateTime time, String operation)
            throws OsImageFormatException {
        return new SlotRecord(slot.name().toLowerCase(Locale.ROOT), image.image().location(),
                image.image().manifestDigest().toString(), image.productInfo().name(), image.productInfo().version(),
                image.payload(InstallPlan.SYSTEM_PAYLOAD).size(), time.toInstant(ZoneOffset.UTC).toString(), operation);
    }

    /** The record at the current time. */
    public static SlotRecord now(LoaderState.Slot slot, OsImage image, String operation) throws OsImageFormatException {
        return of(slot, image, LocalDateTime.ofInstant(Instant.now(), ZoneOffset.UTC).withNano(0), operation);
    }

    /** The JSON bytes written to the ESP. */
    public byte[] encode() {
        return GoCompatibleJson.write(this);
    }

    /** Reads a record back; throws naming {@code where} when the bytes are not one. */
    public static SlotRecord decode(byte[] json, String where) throws IOException {
        try {
            SlotRecord r = GoCompatibleJson.mapper().readValue(json, SlotRecord.class);
            if (r.slot() == null || r.manifestDigest() == null) {
                throw new IOException("it lacks \"slot\" or \"manifest_digest\"");
            }
            return r;
        } catch (IOException e) {
            throw new IOException(where + " is not a slot record: " + e.getMessage(), e);
        }
    }
}
