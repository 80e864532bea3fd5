package dev.osimg.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Docker credential helper program ({@code docker-credential-NAME get}): the server is
 * written to its stdin, it answers {@code {"Username": .., "Secret": ..}} on stdout.
 */
public final class CredentialHelper implements CredentialSource {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final long TIMEOUT_SECONDS = 60;

    private final String program;

    public CredentialHelper(String name) {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("credential helper name \"" + name + "\" is not a plain program name suffix");
        }
        this.program = "docker-credential-" + name;
    }

    @Override
    public String describe() {
        return "credential helper " + program;
    }

    @Override
    public Optional<ResolvedCredential> lookup(String host) throws IOException {
        Process process;
        try {
            process = new ProcessBuilder(program, "get").redirectError(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw new IOException("cannot run " + program + " (named in the Docker config): " + e.getMessage(), e);
        }
        try (OutputStream stdin = process.getOutputStream()) {
            stdin.write(host.getBytes(StandardCharsets.UTF_8));
        }
        byte[] out;
        byte[] err;
        try (InputStream stdout = process.getInputStream(); InputStream stderr = process.getErrorStream()) {
            out = stdout.readNBytes(64 * 1024);
            err = stderr.readNBytes(4 * 1024);
        }
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(program + " did not answer within " + TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for " + program);
        }
        if (process.exitValue() != 0) {
            String message = new String(out.length > 0 ? out : err, StandardCharsets.UTF_8).trim();
            if (message.toLowerCase(java.util.Locale.ROOT).contains("not found")) {
                return Optional.empty();
            }
            throw new IOException(program + " get failed for " + host + " (exit " + process.exitValue() + "): " + message);
        }
        JsonNode answer;
        try {
            answer = MAPPER.readTree(out);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(program + " answered something that is not JSON for " + host);
        }
        String user = answer.path("Username").asText("");
        String secret = answer.path("Secret").asText("");
        if (secret.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ResolvedCredential(new Credential(user, secret), describe()));
    }
}
