package dev.osimg.registry;

import java.time.Duration;

/**
 * One HTTP request osimg sent and what came of it, safe to show: the URL has its secrets hidden ({@link Redaction}) and
 * of the {@code Authorization} header only the scheme is kept ({@code Basic}, {@code Bearer}), never its value.
 *
 * @param method the HTTP method
 * @param url the URL, redacted
 * @param authorization the scheme of the Authorization header sent, or null when none was sent
 * @param status the answer's status, or -1 when there was none
 * @param failure why there was no answer (connection refused, reset, ...), or null
 * @param elapsed from sending the request to its answer's headers (or the failure)
 * @param attempt 1 for the first attempt of a request, 2 for its first retry, ...
 */
public record HttpExchange(String method, String url, String authorization, int status, String failure, Duration elapsed,
        int attempt) {
    /** The scheme of an Authorization header value ({@code Basic}, {@code Bearer}), or null for none. */
    static String scheme(String authorization) {
        if (authorization == null) {
            return null;
        }
        int space = authorization.indexOf(' ');
        return space > 0 ? authorization.substring(0, space) : "credentials";
    }
}
