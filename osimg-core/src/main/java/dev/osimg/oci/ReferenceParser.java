package dev.osimg.oci;

import dev.osimg.digest.Digest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the textual forms of {@link ImageReference}. */
final class ReferenceParser {
    private ReferenceParser() {
    }

    static ImageReference parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("image reference is empty");
        }
        if (text.startsWith("oci:")) {
            return parseLayout(text.substring(4));
        }
        if (text.startsWith("docker://")) {
            return parseRegistry(text.substring("docker://".length()), text);
        }
        if (Files.exists(path(text, text)) || !looksLikeRegistry(text)) {
            return new ImageReference.Layout(path(text, text), null);
        }
        return parseRegistry(text, text);
    }

    private static ImageReference parseLayout(String rest) {
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("oci: reference needs a directory: oci:DIR[:TAG]");
        }
        int colon = rest.lastIndexOf(':');
        if (colon > 0) {
            String tag = rest.substring(colon + 1);
            if (ImageReference.TAG.matcher(tag).matches()) {
                return new ImageReference.Layout(path(rest.substring(0, colon), "oci:" + rest), tag);
            }
        }
        return new ImageReference.Layout(path(rest, "oci:" + rest), null);
    }

    /** A directory path; one the file system cannot name (a NUL character) is the user's error. */
    private static Path path(String text, String original) {
        try {
            return Path.of(text);
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("\"" + original.replace("\0", "\\0") + "\" is not a usable path: " + e.getReason());
        }
    }

    /** A first path component with a dot or a port, or {@code localhost}, names a registry host. */
    private static boolean looksLikeRegistry(String text) {
        int slash = text.indexOf('/');
        if (slash <= 0) {
            return false;
        }
        String host = text.substring(0, slash);
        return host.contains(".") || host.contains(":") || host.equals("localhost") || host.startsWith("[");
    }

    private static final Pattern REGISTRY_REF = Pattern.compile(
            "(?<host>\\[[0-9a-fA-F:]+\\](?::[0-9]+)?|[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::[0-9]+)?)"
                    + "/(?<repo>[^:@]+)(?::(?<tag>[^@]+))?(?:@(?<digest>.+))?");

    private static ImageReference.Registry parseRegistry(String ref, String original) {
        Matcher m = REGISTRY_REF.matcher(ref);
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + original + "\" is not a registry reference HOST[:PORT]/REPO[:TAG][@sha256:HEX]");
        }
        String repo = m.group("repo");
        if (!ImageReference.REPOSITORY.matcher(repo).matches()) {
            throw new IllegalArgumentException("repository \"" + repo + "\" in \"" + original
                    + "\" is not valid: lowercase letters, digits and separators (. _ __ -) in /-separated parts");
        }
        String tag = m.group("tag");
        if (tag != null && !ImageReference.TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("tag \"" + tag + "\" in \"" + original + "\" is not valid: "
                    + "up to 128 of [a-zA-Z0-9._-], not starting with . or -");
        }
        String digest = m.group("digest");
        Digest parsed;
        try {
            parsed = digest == null ? null : Digest.parse(digest);
        } catch (dev.osimg.digest.InvalidDigestException e) {
            throw new IllegalArgumentException("\"" + original + "\": " + e.getMessage(), e);
        }
        return new ImageReference.Registry(checkHost(m.group("host"), original), repo, tag, parsed);
    }

    /** A {@code HOST[:PORT]} whose port, when given, is 1 to 65535. */
    static String checkHost(String host, String original) {
        int colon = host.lastIndexOf(':');
        if (colon > host.lastIndexOf(']')) {
            String port = host.substring(colon + 1);
            if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                throw new IllegalArgumentException("port \"" + port + "\" in \"" + original + "\" is not a TCP port (1 to 65535)");
            }
        }
        return host;
    }
}
