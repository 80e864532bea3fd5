package dev.osimg.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The distribution error body {@code {"errors":[{"code","message","detail"}]}} as far as it can be read. */
record ErrorBody(List<String> codes, String text) {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final int MAX_SHOWN = 300;

    /** Reads what a registry said; a body that is not the error JSON is shown shortened, as text. */
    static ErrorBody parse(byte[] body) {
        List<String> codes = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        try {
            JsonNode errors = MAPPER.readTree(body).path("errors");
            for (JsonNode e : errors) {
                String code = e.path("code").asText("");
                String message = e.path("message").asText("");
                codes.add(code);
                messages.add(code.isEmpty() ? message : message.isEmpty() ? code : code + ": " + message);
            }
        } catch (java.io.IOException | RuntimeException e) {
            // Not the error JSON: fall through to showing the text.
        }
        if (!messages.isEmpty()) {
            return new ErrorBody(codes, String.join("; ", messages));
        }
        String text = new String(body, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
        if (text.length() > MAX_SHOWN) {
            text = text.substring(0, MAX_SHOWN) + "…";
        }
        return new ErrorBody(codes, text);
    }
}
