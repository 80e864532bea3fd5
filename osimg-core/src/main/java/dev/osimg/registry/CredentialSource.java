package dev.osimg.registry;

import java.io.IOException;
import java.util.Optional;

/** Finds the credential to use for a registry host. */
public interface CredentialSource {
    /** The credential for {@code host} ({@code HOST[:PORT]}), if this source has one. */
    Optional<ResolvedCredential> lookup(String host) throws IOException;

    /** What this source is, for messages when nothing was found: {@code ~/.docker/config.json}. */
    String describe();
}
