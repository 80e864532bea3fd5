package dev.osimg.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Machine-readable command output (for {@code --json}): one JSON document on stdout, starting with
 * {@code schema_version}. Every command names the same things alike: {@code image} (what was read),
 * {@code source}/{@code destination} (the two ends of a copy), {@code digest} (the manifest),
 * {@code tags}, {@code target} (a disk); sizes are {@code size} in bytes.
 */
final class JsonOutput {
    /** Raised when a field is renamed or removed; new fields do not change it. */
    static final int SCHEMA_VERSION = 1;

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private JsonOutput() {
    }

    static void print(PrintWriter out, Map<String, ?> document) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schema_version", SCHEMA_VERSION);
        doc.putAll(document);
        try {
            out.println(MAPPER.writeValueAsString(doc));
            out.flush();
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The document printed instead of a result when a command fails. */
    static void printError(PrintWriter out, String message, int exitCode) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("exit_code", exitCode);
        print(out, Map.of("error", error));
    }
}
