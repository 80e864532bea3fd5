package dev.osimg.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.osimg.json.JsonProblem;
import dev.osimg.linux.FileLock;
import dev.osimg.linux.TemporaryFiles;
import java.io.CharConversionException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Stores and removes registry logins in the {@code auths} map of a Docker config file (podman's {@code auth.json} has
 * the same shape), keeping every other entry as it was. The file is replaced atomically and readable only by its
 * owner, because it holds passwords. Each change reads, edits and replaces the file under an exclusive lock of its
 * directory, so two logins at once both land; the temporary file carries its owner process, so one a killed login left
 * behind is removed by the next login or logout.
 */
public final class AuthFile {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final long MAX_SIZE = 4 << 20;

    private AuthFile() {
    }

    /**
     * The logins file when none is named: {@code $REGISTRY_AUTH_FILE} (as skopeo and podman read it), else the Docker
     * config file.
     */
    public static Path defaultFile() {
        String env = System.getenv("REGISTRY_AUTH_FILE");
        return env != null && !env.isEmpty() ? Path.of(env) : DockerConfig.defaultFile();
    }

    /** Records {@code credential} for {@code host}, replacing an earlier login to that host. */
    public static void store(Path file, String host, Credential credential) throws IOException {
        Path dir = directory(file);
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        try (FileLock lock = FileLock.acquire(dir)) {
            TemporaryFiles.sweep(dir);
            ObjectNode root = read(file);
            ObjectNode auths = root.has("auths") && root.get("auths").isObject() ? (ObjectNode) root.get("auths")
                    : root.putObject("auths");
            removeHost(auths, host);
            String auth = Base64.getEncoder().encodeToString(
                    (credential.username() + ":" + credential.secret()).getBytes(StandardCharsets.UTF_8));
            auths.putObject(host).put("auth", auth);
            write(file, root);
        }
    }

    /** Removes the login to {@code host}; false when there was none. */
    public static boolean remove(Path file, String host) throws IOException {
        Path dir = directory(file);
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (FileLock lock = FileLock.acquire(dir)) {
            TemporaryFiles.sweep(dir);
            if (!Files.exists(file)) {
                return false;
            }
            ObjectNode root = read(file);
            JsonNode auths = root.get("auths");
            if (auths == null || !auths.isObject() || !removeHost((ObjectNode) auths, host)) {
                return false;
            }
            write(file, root);
            return true;
        }
    }

    private static Path directory(Path file) {
        return file.toAbsolutePath().getParent();
    }

    private static boolean removeHost(ObjectNode auths, String host) {
        List<String> keys = new ArrayList<>();
        auths.fieldNames().forEachRemaining(k -> {
            if (DockerConfig.matches(k, host)) {
                keys.add(k);
            }
        });
        keys.forEach(auths::remove);
        return !keys.isEmpty();
    }

    private static ObjectNode read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return MAPPER.createObjectNode();
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " is not a regular file; name a credentials file with --authfile");
        }
        if (Files.size(file) > MAX_SIZE) {
            throw new IOException(file + " is larger than " + (MAX_SIZE >> 20) + " MiB; it is not a Docker config file");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException | CharConversionException e) {
            throw new IOException(file + " is not a valid Docker config: " + JsonProblem.describe(e), e);
        }
        if (!(root instanceof ObjectNode object)) {
            throw new IOException(file + " is not a Docker config file: its top level is not a JSON object");
        }
        return object;
    }

    private static void write(Path file, ObjectNode root) throws IOException {
        Path temp = TemporaryFiles.createFile(directory(file), file.getFileName().toString(),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(temp, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            TemporaryFiles.delete(temp);
        }
    }
}
