package dev.osimg.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses {@code WWW-Authenticate} values with the RFC 9110 (section 11) grammar: a list of
 * challenges, each a scheme followed by a token68 or by comma-separated {@code name=value}
 * parameters, where values are tokens or quoted strings with backslash escapes. Commas separate
 * both parameters and challenges; a following {@code token =} means another parameter.
 */
public final class ChallengeParser {
    private final String text;
    private int pos;

    private ChallengeParser(String text) {
        this.text = text;
    }

    /** The challenges of one or more header values, in order. */
    public static List<Challenge> parse(List<String> headerValues) {
        List<Challenge> all = new ArrayList<>();
        for (String value : headerValues) {
            all.addAll(parse(value));
        }
        return all;
    }

    /** The challenges of one header value, in order; malformed input fails with the position. */
    public static List<Challenge> parse(String headerValue) {
        return new ChallengeParser(headerValue).challenges();
    }

    private List<Challenge> challenges() {
        List<Challenge> result = new ArrayList<>();
        while (true) {
            skipListSeparators();
            if (pos >= text.length()) {
                return result;
            }
            result.add(challenge());
        }
    }

    private Challenge challenge() {
        String scheme = token();
        if (scheme.isEmpty()) {
            throw error("expected an authentication scheme");
        }
        scheme = scheme.toLowerCase(Locale.ROOT);
        Map<String, String> params = new LinkedHashMap<>();
        int afterScheme = pos;
        skipSpaces();
        if (pos == afterScheme || pos >= text.length() || text.charAt(pos) == ',') {
            return new Challenge(scheme, params, null);
        }
        if (!atParam()) {
            String token68 = token68();
            return new Challenge(scheme, params, token68);
        }
        while (true) {
            String name = token().toLowerCase(Locale.ROOT);
            skipSpaces();
            expect('=');
            skipSpaces();
            String value = pos < text.length() && text.charAt(pos) == '"' ? quotedString() : token();
            if (params.putIfAbsent(name, value) != null) {
                throw error("parameter \"" + name + "\" appears twice");
            }
            skipSpaces();
            if (pos >= text.length()) {
                return new Challenge(scheme, params, null);
            }
            if (text.charAt(pos) != ',') {
                throw error("expected ',' after parameter \"" + name + "\"");
            }
            skipListSeparators();
            if (!atParam()) {
                // What follows the comma is the next challenge, or nothing.
                return new Challenge(scheme, params, null);
            }
        }
    }

    /** Whether a parameter ({@code token BWS = BWS value}) starts here, as opposed to a token68 or a scheme. */
    private boolean atParam() {
        int save = pos;
        try {
            if (token().isEmpty()) {
                return false;
            }
            skipSpaces();
            if (pos >= text.length() || text.charAt(pos) != '=') {
                return false;
            }
            pos++;
            skipSpaces();
            return pos < text.length() && (text.charAt(pos) == '"' || isTchar(text.charAt(pos)));
        } finally {
            pos = save;
        }
    }

    private String token68() {
        int start = pos;
        while (pos < text.length() && isToken68Char(text.charAt(pos))) {
            pos++;
        }
        if (pos == start) {
            throw error("expected a token68 or parameters");
        }
        while (pos < text.length() && text.charAt(pos) == '=') {
            pos++;
        }
        return text.substring(start, pos);
    }

    private String token() {
        int start = pos;
        while (pos < text.length() && isTchar(text.charAt(pos))) {
            pos++;
        }
        return text.substring(start, pos);
    }

    private String quotedString() {
        expect('"');
        StringBuilder value = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return value.toString();
            }
            if (c == '\\') {
                if (pos >= text.length()) {
                    break;
                }
                value.append(text.charAt(pos++));
            } else {
                value.append(c);
            }
        }
        throw error("unterminated quoted string");
    }

    private void expect(char c) {
        if (pos >= text.length() || text.charAt(pos) != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private void skipSpaces() {
        while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
            pos++;
        }
    }

    private void skipListSeparators() {
        while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t' || text.charAt(pos) == ',')) {
            pos++;
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("malformed WWW-Authenticate header at character " + pos + ": " + what
                + " in \"" + text + "\"");
    }

    private static boolean isTchar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static boolean isToken68Char(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~+/".indexOf(c) >= 0;
    }
}
