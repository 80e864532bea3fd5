package dev.osimg.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * JSON reading and writing for OCI documents, writing the same bytes as the reference writer
 * (Go's {@code json.MarshalIndent(v, "", "\t")} plus a newline).
 *
 * <p>Byte-identical output matters: the manifest digest is the image's identity, so the same
 * inputs must give the same digest in both implementations.
 */
public final class GoCompatibleJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    /**
     * Decodes as Go's {@code encoding/json} decodes into a struct, which is how the reference reads
     * configs and product info: unknown keys ignored, keys matched case-insensitively, a missing
     * key or a {@code null} member leaves the zero value, no value of one JSON type is taken for
     * another ({@code 5} is no string, {@code 1.5} no integer, {@code "true"} no boolean), and
     * nothing but white space may follow the value.
     */
    private static final ObjectMapper GO_DECODER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Boolean, c -> c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Integer, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .build();

    static {
        MAPPER.getFactory().setCharacterEscapes(new GoEscapes());
    }

    /** The decoder that reads as Go's {@code encoding/json} does (see {@link #GO_DECODER}); {@code null} reads as null. */
    public static ObjectMapper goDecoder() {
        return GO_DECODER;
    }

    private GoCompatibleJson() {
    }

    /** The shared mapper, for reading. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Serializes like the reference writer: tab-indented, {@code ": "}, trailing newline. */
    public static byte[] write(Object value) {
        try {
            byte[] body = MAPPER.writer(new GoPrettyPrinter()).writeValueAsBytes(value);
            byte[] out = Arrays.copyOf(body, body.length + 1);
            out[body.length] = '\n';
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    /** Serializes like Go's {@code json.Marshal}: compact, the same escapes, map keys sorted. */
    public static byte[] writeCompact(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    /** Go's indentation: every array element and object member on its own line, empty ones as {@code []}/{@code {}}. */
    static final class GoPrettyPrinter extends DefaultPrettyPrinter {
        private static final DefaultIndenter TABS = new DefaultIndenter("\t", "\n");

        GoPrettyPrinter() {
            super(DEFAULT_SEPARATORS.withObjectFieldValueSpacing(Separators.Spacing.AFTER));
            _arrayIndenter = TABS;
            _objectIndenter = TABS;
        }

        private GoPrettyPrinter(GoPrettyPrinter base) {
            super(base);
        }

        @Override
        public DefaultPrettyPrinter createInstance() {
            return new GoPrettyPrinter(this);
        }

        @Override
        public void writeEndArray(JsonGenerator g, int nrOfValues) throws IOException {
            --_nesting;
            if (nrOfValues > 0) {
                _arrayIndenter.writeIndentation(g, _nesting);
            }
            g.writeRaw(']');
        }

        @Override
        public void writeEndObject(JsonGenerator g, int nrOfEntries) throws IOException {
            --_nesting;
            if (nrOfEntries > 0) {
                _objectIndenter.writeIndentation(g, _nesting);
            }
            g.writeRaw('}');
        }
    }

    /** Go's HTML-safe escaping: {@code < > &} and U+2028/U+2029 as {@code \\u} escapes, control characters in lowercase hex. */
    static final class GoEscapes extends CharacterEscapes {
        private final int[] asciiEscapes;

        GoEscapes() {
            asciiEscapes = standardAsciiEscapesForJSON();
            for (int c = 0; c < 0x20; c++) {
                if (c != '\n' && c != '\r' && c != '\t' && c != '\b' && c != '\f') {
                    asciiEscapes[c] = ESCAPE_CUSTOM;
                }
            }
            asciiEscapes['<'] = ESCAPE_CUSTOM;
            asciiEscapes['>'] = ESCAPE_CUSTOM;
            asciiEscapes['&'] = ESCAPE_CUSTOM;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return asciiEscapes;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            if (ch < 0x80 || ch == 0x2028 || ch == 0x2029) {
                return new SerializedString(String.format("\\u%04x", ch));
            }
            return null;
        }
    }
}
