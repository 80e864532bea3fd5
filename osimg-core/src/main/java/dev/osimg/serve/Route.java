package dev.osimg.serve;

import dev.osimg.oci.ImageReference;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * What a request path asks of the registry API: the ping, a tag list (with its {@code n} and
 * {@code last} pagination), a manifest, a blob or the referrers of a repository. Anything else is unknown.
 */
sealed interface Route {
    /** {@code /v2/}. */
    record Ping() implements Route {
    }

    /** {@code /v2/NAME/tags/list?n=&last=}; {@code n} is -1 when not given. */
    record Tags(String repository, int n, String last) implements Route {
    }

    /** {@code /v2/NAME/manifests/REFERENCE}. */
    record Manifest(String repository, String reference) implements Route {
    }

    /** {@code /v2/NAME/blobs/DIGEST}. */
    record Blob(String repository, String digest) implements Route {
    }

    /** {@code /v2/NAME/referrers/DIGEST} (OCI 1.1). */
    record Referrers(String repository, String digest) implements Route {
    }

    /** No API endpoint. */
    record Unknown() implements Route {
    }

    /** A query parameter that cannot be used; answered 400 with this message. */
    record BadQuery(String code, String message) implements Route {
    }

    /** The longest tag page served at once. */
    int MAX_PAGE = 10_000;

    /** Reads a request's path and raw query. */
    static Route parse(String path, String rawQuery) {
        if (path == null || !path.startsWith("/v2")) {
            return new Unknown();
        }
        if (path.equals("/v2") || path.equals("/v2/")) {
            return new Ping();
        }
        String rest = path.substring("/v2/".length());
        if (rest.endsWith("/tags/list")) {
            String repository = rest.substring(0, rest.length() - "/tags/list".length());
            return ImageReference.REPOSITORY.matcher(repository).matches() ? tags(repository, rawQuery) : new Unknown();
        }
        // The endpoint is the last of these path parts: repository names may contain the words themselves.
        String kind = null;
        int at = -1;
        for (String candidate : new String[] {"/manifests/", "/blobs/", "/referrers/"}) {
            int found = rest.lastIndexOf(candidate);
            if (found > at) {
                at = found;
                kind = candidate;
            }
        }
        if (at > 0) {
            String repository = rest.substring(0, at);
            String reference = rest.substring(at + kind.length());
            if (!ImageReference.REPOSITORY.matcher(repository).matches() || reference.isEmpty() || reference.contains("/")) {
                return new Unknown();
            }
            return switch (kind) {
                case "/blobs/" -> new Blob(repository, reference);
                case "/referrers/" -> new Referrers(repository, reference);
                default -> new Manifest(repository, reference);
            };
        }
        return new Unknown();
    }

    private static Route tags(String repository, String rawQuery) {
        int n = -1;
        String last = null;
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value;
                try {
                    value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return new BadQuery("PAGINATION_NUMBER_INVALID", "the query is not valid URL encoding");
                }
                if (key.equals("n")) {
                    if (!value.matches("[0-9]{1,9}")) {
                        return new BadQuery("PAGINATION_NUMBER_INVALID", "n must be a number from 0 to " + MAX_PAGE);
                    }
                    n = (int) Math.min(MAX_PAGE, Long.parseLong(value));
                } else if (key.equals("last")) {
                    last = value;
                }
            }
        }
        return new Tags(repository, n, last);
    }
}
