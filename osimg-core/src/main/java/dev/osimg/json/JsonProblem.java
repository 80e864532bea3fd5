package dev.osimg.json;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

/**
 * Says in plain words what is wrong with a JSON document that did not decode: the field (as a
 * path like {@code layers[1].digest}) and the problem, never the JSON library's own message,
 * which names Java types and its configuration switches.
 */
public final class JsonProblem {
    private JsonProblem() {
    }

    /**
     * One phrase for any failure to read JSON bytes: a {@link JsonProcessingException} as
     * {@link #describe(JsonProcessingException)} says it, anything else (bytes whose character
     * encoding cannot be told, such as a stray UCS-4 byte order) as not JSON text.
     */
    public static String describe(java.io.IOException e) {
        return e instanceof JsonProcessingException j ? describe(j) : "not JSON text (its character encoding cannot be read)";
    }

    /** One phrase: {@code layers[1].size: expected a number}, {@code not valid JSON at line 3, column 7}. */
    public static String describe(JsonProcessingException e) {
        String field = path(e);
        String at = field.isEmpty() ? "" : field + ": ";
        return switch (e) {
            case JsonParseException p -> "not valid JSON" + position(p);
            case UnrecognizedPropertyException u -> at + "unknown field \"" + u.getPropertyName() + "\"";
            case InvalidFormatException f -> at + "the value " + shown(f.getValue()) + " is not " + kind(f.getTargetType());
            case ValueInstantiationException v -> at + reason(v.getCause());
            case MismatchedInputException m when m.getMessage() != null && m.getMessage().contains("null") ->
                    at + "null where " + kind(m.getTargetType()) + " belongs";
            case MismatchedInputException m when m.getMessage() != null && m.getMessage().contains("No content") ->
                    "the document is empty";
            case MismatchedInputException m when m.getMessage() != null && m.getMessage().contains("Trailing token") ->
                    "more data after the JSON value" + position(m);
            case MismatchedInputException m -> at + "expected " + kind(m.getTargetType());
            case JsonMappingException m when m.getCause() instanceof IllegalArgumentException cause -> at + reason(cause);
            default -> at + "cannot be read" + position(e);
        };
    }

    /** osimg's own checks say what is wrong; anything else thrown while building a value says nothing useful. */
    private static String reason(Throwable cause) {
        return cause instanceof IllegalArgumentException && cause.getMessage() != null ? cause.getMessage()
                : cause instanceof NullPointerException ? "null where a value belongs" : "not a valid value";
    }

    private static String position(JsonProcessingException e) {
        return e.getLocation() == null || e.getLocation().getLineNr() < 0 ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    private static String shown(Object value) {
        String s = String.valueOf(value);
        return value instanceof String ? "\"" + (s.length() > 60 ? s.substring(0, 60) + "…" : s) + "\"" : s;
    }

    /** What a Java type is, in JSON words. */
    private static String kind(Class<?> type) {
        if (type == null) {
            return "a valid value";
        }
        if (type == int.class || type == long.class || type == Integer.class || type == Long.class || type == short.class) {
            return "an integer";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (java.util.Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        return "a valid value";
    }

    /** The JSON path of the failing field: {@code layers[1].digest}, or empty at the top. */
    private static String path(JsonProcessingException e) {
        if (!(e instanceof JsonMappingException m)) {
            return "";
        }
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : m.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
