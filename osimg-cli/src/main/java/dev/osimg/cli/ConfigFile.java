package dev.osimg.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * osimg's config file: the subset of TOML it needs, {@code key = "value"} lines, {@code #} comments
 * and blank lines. Anything else, or an unknown key, is an error naming the file and line.
 */
final class ConfigFile {
    private static final Pattern LINE = Pattern.compile("\\s*([A-Za-z0-9_-]+)\\s*=\\s*\"([^\"\\\\]*)\"\\s*(#.*)?");

    private ConfigFile() {
    }

    static Map<String, String> read(Path file) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected key = \"value\", got: " + line);
            }
            if (!ProfileOption.KEYS.contains(m.group(1))) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": unknown key \"" + m.group(1)
                        + "\" (known: " + String.join(", ", ProfileOption.KEYS) + ")");
            }
            values.put(m.group(1), m.group(2));
        }
        return values;
    }
}
