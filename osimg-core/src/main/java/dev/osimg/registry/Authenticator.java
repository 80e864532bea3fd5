package dev.osimg.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authentication state per registry host: the scheme the host asked for, its credential, and
 * Bearer tokens cached per scope until shortly before they expire.
 */
final class Authenticator {
    private static final Duration MAX_TOKEN_LIFETIME = Duration.ofDays(1);
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);

    private final RegistryHttp http;
    private final List<CredentialSource> sources;
    private final ConcurrentHashMap<String, HostState> hosts = new ConcurrentHashMap<>();

    Authenticator(RegistryHttp http, List<CredentialSource> sources) {
        this.http = http;
        this.sources = List.copyOf(sources);
    }

    record Token(String value, Instant renewAfter) {
    }

    /** What is known about one host; the credential is looked up once. */
    private final class HostState {
        final String host;
        volatile Challenge challenge;
        volatile Optional<ResolvedCredential> credential;
        final ConcurrentHashMap<String, Token> tokens = new ConcurrentHashMap<>();

        HostState(String host) {
            this.host = host;
        }

        synchronized Optional<ResolvedCredential> credential() throws IOException {
            if (credential == null) {
                Optional<ResolvedCredential> found = Optional.empty();
                for (CredentialSource source : sources) {
                    found = source.lookup(host);
                    if (found.isPresent()) {
                        break;
                    }
                }
                credential = found;
            }
            return credential;
        }
    }

    private HostState state(URI uri) {
        return hosts.computeIfAbsent(uri.getRawAuthority(), HostState::new);
    }

    /** The Authorization header for a request, when the host is known to want one. */
    Optional<String> authorization(RegistryHttp.Request request) throws IOException {
        HostState state = state(request.uri());
        Challenge challenge = state.challenge;
        if (challenge == null) {
            return Optional.empty();
        }
        if (challenge.scheme().equals("basic")) {
            return state.credential().map(c -> basic(c.credential()));
        }
        Token token = state.tokens.get(scopeKey(request.scopes()));
        if (token == null || Instant.now().isAfter(token.renewAfter())) {
            token = fetchToken(state, challenge, request.scopes());
        }
        return Optional.of("Bearer " + token.value());
    }

    /**
     * Learns from a 401: records the challenge and, for Bearer, gets a fresh token. Returns
     * whether sending again can help.
     */
    boolean handleChallenge(RegistryHttp.Request request, RegistryHttp.Response response) throws IOException {
        if (response.status() != 401) {
            return false;
        }
        List<Challenge> challenges;
        try {
            challenges = ChallengeParser.parse(response.headers().allValues("WWW-Authenticate"));
        } catch (IllegalArgumentException e) {
            throw new RegistryException(request.what() + ": " + request.uri().getAuthority() + " sent a " + e.getMessage(), 401, List.of());
        }
        HostState state = state(request.uri());
        Optional<Challenge> bearer = challenges.stream().filter(c -> c.scheme().equals("bearer")).findFirst();
        Optional<Challenge> basic = challenges.stream().filter(c -> c.scheme().equals("basic")).findFirst();
        if (bearer.isPresent()) {
            state.challenge = bearer.get();
            List<String> scopes = new ArrayList<>(request.scopes());
            String challengeScope = bearer.get().param("scope");
            if (challengeScope != null) {
                for (String s : challengeScope.split(" ")) {
                    if (!s.isEmpty() && !scopes.contains(s)) {
                        scopes.add(s);
                    }
                }
            }
            state.tokens.put(scopeKey(request.scopes()), fetchToken(state, bearer.get(), scopes));
            return true;
        }
        if (basic.isPresent()) {
            state.challenge = basic.get();
            // Sending again helps only if this attempt went without the credential we have.
            return !response.authorized() && state.credential().isPresent();
        }
        return false;
    }

    /** The error for a final 401/403, naming the registry and the credential source that was tried. */
    RegistryAuthenticationException refused(RegistryHttp.Request request, int status, ErrorBody body) throws IOException {
        HostState state = state(request.uri());
        Optional<ResolvedCredential> credential = state.credential();
        String tried = credential.map(c -> "with the credential of user \"" + c.credential().username() + "\" from " + c.source())
                .orElse("anonymously (no credential for " + state.host + " in " + describeSources() + ")");
        String verb = status == 403 ? "denied access" : "refused authentication";
        return new RegistryAuthenticationException(request.what() + ": registry " + state.host + " " + verb + " (" + status + ") "
                + tried + (body.text().isEmpty() ? "" : ": " + body.text()), status, body.codes());
    }

    private String describeSources() {
        return String.join(", ", sources.stream().map(CredentialSource::describe).toList());
    }

    private Token fetchToken(HostState state, Challenge challenge, List<String> scopes) throws IOException {
        String realm = challenge.param("realm");
        if (realm == null) {
            throw new RegistryException(state.host + " asked for a Bearer token without a realm", 401, List.of());
        }
        URI realmUri;
        try {
            realmUri = URI.create(realm);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(state.host + " named a token realm that is not a URL: " + realm, 401, List.of());
        }
        boolean secure = "https".equals(realmUri.getScheme());
        boolean plainAllowed = "http".equals(realmUri.getScheme())
                && (http.options().plainHttp() || RegistryHttp.isLoopback(realmUri.getRawAuthority()));
        if (!secure && !plainAllowed) {
            throw new RegistryException(state.host + " named token realm " + Redaction.url(realmUri)
                    + "; osimg only sends credentials to https realms (or plain http with --plain-http)", 401, List.of());
        }
        StringBuilder query = new StringBuilder();
        String service = challenge.param("service");
        if (service != null) {
            query.append("service=").append(URLEncoder.encode(service, StandardCharsets.UTF_8));
        }
        Set<String> unique = new LinkedHashSet<>(scopes);
        for (String scope : unique) {
            query.append(query.isEmpty() ? "" : "&").append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        }
        URI uri = URI.create(realm + (query.isEmpty() ? "" : (realm.contains("?") ? "&" : "?") + query));
        Optional<ResolvedCredential> credential = state.credential();
        var headers = RegistryHttp.headers("Accept", "application/json");
        credential.ifPresent(c -> headers.put("Authorization", basic(c.credential())));
        String what = "getting a token for " + state.host + " from " + Redaction.url(uri);
        try (RegistryHttp.Response response = http.sendUnauthenticated(uri, headers, what)) {
            byte[] body = RegistryHttp.readSmall(response);
            if (response.status() == 401 || response.status() == 403) {
                String tried = credential.map(c -> "the credential of user \"" + c.credential().username() + "\" from " + c.source())
                        .orElse("no credential (none for " + state.host + " in " + describeSources() + ")");
                throw new RegistryAuthenticationException("token server " + realmUri.getAuthority() + " for registry " + state.host
                        + " refused " + tried + " (" + response.status() + ")", response.status(), ErrorBody.parse(body).codes());
            }
            if (response.status() != 200) {
                throw new RegistryException(what + ": answered " + response.status() + ": " + ErrorBody.parse(body).text(),
                        response.status(), ErrorBody.parse(body).codes());
            }
            return parseToken(body, what);
        }
    }

    static Token parseToken(byte[] body, String what) throws IOException {
        JsonNode doc;
        try {
            doc = MAPPER.readTree(body);
        } catch (IOException e) {
            throw new IOException(what + ": the answer is not JSON");
        }
        String token = doc.path("token").asText("");
        if (token.isEmpty()) {
            token = doc.path("access_token").asText("");
        }
        if (token.isEmpty()) {
            throw new IOException(what + ": the answer has neither \"token\" nor \"access_token\"");
        }
        long expiresIn = doc.path("expires_in").asLong(0);
        // A token server may claim any lifetime; beyond a day it is renewed daily all the same.
        Duration lifetime = expiresIn > 0 ? Duration.ofSeconds(Math.min(expiresIn, MAX_TOKEN_LIFETIME.toSeconds())) : DEFAULT_TOKEN_LIFETIME;
        // Renew when 90% of the lifetime has passed, so a token never expires in flight.
        return new Token(token, Instant.now().plus(lifetime.multipliedBy(9).dividedBy(10)));
    }

    private static String scopeKey(List<String> scopes) {
        return String.join(" ", new java.util.TreeSet<>(scopes));
    }

    private static String basic(Credential c) {
        return "Basic " + Base64.getEncoder().encodeToString((c.username() + ":" + c.secret()).getBytes(StandardCharsets.UTF_8));
    }
}
