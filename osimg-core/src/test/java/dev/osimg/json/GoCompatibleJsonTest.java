package dev.osimg.json;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GoCompatibleJsonTest {
    private static String write(Object value) {
        return new String(GoCompatibleJson.write(value), StandardCharsets.UTF_8);
    }

    @Test
    void escapesLikeGoEncodingJson() {
        assertThat(write(Map.of("k", "<a&b>\u2028\u2029\u0001\u001f\n\t\"\\é€")))
                .isEqualTo("{\n\t\"k\": \"\\u003ca\\u0026b\\u003e\\u2028\\u2029\\u0001\\u001f\\n\\t\\\"\\\\é€\"\n}\n");
    }

    @Test
    void writesEmptyContainersWithoutInnerSpace() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("a", List.of());
        doc.put("b", Map.of());
        doc.put("c", List.of(1, 2));
        assertThat(write(doc)).isEqualTo("{\n\t\"a\": [],\n\t\"b\": {},\n\t\"c\": [\n\t\t1,\n\t\t2\n\t]\n}\n");
    }
}
