package dev.osimg.registry;

import java.util.Map;

/**
 * One authentication challenge of a {@code WWW-Authenticate} header: its scheme (lower case)
 * and its parameters (names in lower case), or a token68 instead of parameters.
 */
public record Challenge(String scheme, Map<String, String> params, String token68) {
    public Challenge {
        params = Map.copyOf(params);
    }

    /** A parameter's value, or null; names are case-insensitive. */
    public String param(String name) {
        return params.get(name.toLowerCase(java.util.Locale.ROOT));
    }
}
