package dev.osimg.osimage;

import dev.osimg.json.GoCompatibleJson;
import dev.osimg.json.JsonProblem;
import java.io.IOException;

/** Decodes the format's JSON documents (configs, product info) as the reference does, with errors in plain words. */
final class GoDecoding {
    private GoDecoding() {
    }

    /** Decodes {@code bytes}, one JSON object, as {@code type}; {@code what} names the document in errors. */
    static <T> T decode(byte[] bytes, Class<T> type, String what, String noun) throws OsImageFormatException {
        if (new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).isBlank()) {
            throw new OsImageFormatException(what + " is empty; expected a JSON object (" + noun + ")");
        }
        T value;
        try {
            value = GoCompatibleJson.goDecoder().readValue(bytes, type);
        } catch (IOException e) {
            throw new OsImageFormatException(what + " is not a valid " + noun + ": " + JsonProblem.describe(e), e);
        }
        if (value == null) {
            throw new OsImageFormatException(what + " is null; expected a JSON object (" + noun + ")");
        }
        return value;
    }
}
