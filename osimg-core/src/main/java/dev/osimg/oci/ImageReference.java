package dev.osimg.oci;

import dev.osimg.digest.Digest;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Where an image is: an OCI layout directory ({@code oci:DIR[:TAG]} or a plain path) or a
 * registry ({@code HOST[:PORT]/REPO[:TAG][@sha256:HEX]}, optionally {@code docker://}). The one
 * place where user-given image names are parsed.
 */
public sealed interface ImageReference {
    /** A repository name per the distribution spec. */
    Pattern REPOSITORY = Pattern.compile(
            "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*");
    /** A tag per the distribution spec. */
    Pattern TAG = Pattern.compile("[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}");

    /** An image in a layout directory, chosen by tag or (when null) as the only one. */
    record Layout(Path dir, String tag) implements ImageReference {
        @Override
        public String toString() {
            return "oci:" + dir + (tag == null ? "" : ":" + tag);
        }
    }

    /** An image in a registry, by tag, digest or both. */
    record Registry(String host, String repository, String tag, Digest digest) implements ImageReference {
        @Override
        public String toString() {
            return host + "/" + repository + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
        }
    }

    /** Checks a registry {@code HOST[:PORT]} (a mirror) as a reference's host is checked; returns it. */
    static String checkRegistryHost(String host) {
        if (host == null || !host.matches("\\[[0-9a-fA-F:]+\\](?::[0-9]+)?|[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::[0-9]+)?")) {
            throw new IllegalArgumentException("\"" + host + "\" is not a registry host HOST[:PORT]");
        }
        return ReferenceParser.checkHost(host, host);
    }

    /** Parses any accepted form; a malformed reference fails with a message saying what is wrong. */
    static ImageReference parse(String text) {
        return ReferenceParser.parse(text);
    }
}
