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
        // Both pipes are drained on their own threads so that a helper that writes much to one, or hangs
        // without closing them, cannot block osimg past the timeout.
        byte[][] streams = new byte[2][];
        Thread outReader = Thread.ofVirtual().start(() -> streams[0] = drain(process.getInputStream(), 64 * 1024));
        Thread errReader = Thread.ofVirtual().start(() -> streams[1] = drain(process.getErrorStream(), 4 * 1024));
        try {
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(host.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // A helper that exits without reading stdin is judged by its exit code and output below.
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(program + " did not answer within " + TIMEOUT_SECONDS + " s");
            }
            outReader.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
            errReader.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for " + program);
        }
        byte[] out = streams[0] == null ? new byte[0] : streams[0];
        byte[] err = streams[1] == null ? new byte[0] : streams[1];
        if (process.exitValue() != 0) {
            String message = new String(out.length > 0 ? out : err, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
            if (message.toLowerCase(java.util.Locale.ROOT).contains("not found")) {
                return Optional.empty();
            }
            throw new IOException(program + " get failed for " + host + " (exit " + process.exitValue() + "): "
                    + (message.length() > 300 ? message.substring(0, 300) + "…" : message));
        }
        return parseAnswer(out, program + " for " + host).map(c -> new ResolvedCredential(c, describe()));
    }

    /**
     * Reads a helper's answer {@code {"Username": .., "Secret": ..}}: empty when it has no
     * secret, an error naming {@code what} when it is not such an object.
     */
    static Optional<Credential> parseAnswer(byte[] out, String what) throws IOException {
        JsonNode answer;
        try {
            answer = MAPPER.readTree(out);
        } catch (IOException e) {
            throw new IOException(what + ": the answer is not JSON");
        }
        if (answer == null || !answer.isObject()) {
            throw new IOException(what + ": the answer is not a JSON object");
        }
        JsonNode user = answer.path("Username");
        JsonNode secret = answer.path("Secret");
        if ((!user.isMissingNode() && !user.isNull() && !user.isTextual()) || (!secret.isMissingNode() && !secret.isNull() && !secret.isTextual())) {
            throw new IOException(what + ": \"Username\" and \"Secret\" must be strings");
        }
        if (secret.asText("").isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Credential(user.asText(""), secret.asText()));
    }

    private static byte[] drain(InputStream in, int limit) {
        try (in) {
            byte[] kept = in.readNBytes(limit);
            in.transferTo(OutputStream.nullOutputStream());
            return kept;
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
