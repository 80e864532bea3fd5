package dev.osimg.registry;

/** A credential together with where it came from, so that a refused login can say what was tried. */
public record ResolvedCredential(Credential credential, String source) {
}
