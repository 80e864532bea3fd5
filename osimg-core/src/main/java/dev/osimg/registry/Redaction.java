package dev.osimg.registry;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes URLs safe to show: query values other than the distribution API's own public ones ({@code scope},
 * {@code service}, {@code digest}, {@code mount}, {@code from}, {@code n}, {@code last}) may be signatures or tokens
 * (pre-signed storage URLs, upload state, {@code token}, {@code access_token}, {@code password}), so they are replaced.
 */
public final class Redaction {
    private Redaction() {
    }

    private static final java.util.Set<String> PUBLIC = java.util.Set.of("scope", "service", "digest", "mount", "from", "n", "last");

    /** The URL without user info and with every query value but the public ones hidden. */
    public static String url(URI uri) {
        StringBuilder out = new StringBuilder();
        if (uri.getScheme() != null) {
            out.append(uri.getScheme()).append("://");
        }
        if (uri.getRawAuthority() != null) {
            String authority = uri.getRawAuthority();
            int at = authority.lastIndexOf('@');
            out.append(at >= 0 ? authority.substring(at + 1) : authority);
        }
        if (uri.getRawPath() != null) {
            out.append(uri.getRawPath());
        }
        String query = uri.getRawQuery();
        if (query != null && !query.isEmpty()) {
            List<String> parts = new ArrayList<>();
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                if (eq < 0 || PUBLIC.contains(name)) {
                    parts.add(pair);
                } else {
                    parts.add(name + "=REDACTED");
                }
            }
            out.append('?').append(String.join("&", parts));
        }
        return out.toString();
    }
}
