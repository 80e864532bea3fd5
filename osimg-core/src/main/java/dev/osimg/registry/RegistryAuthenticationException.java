package dev.osimg.registry;

import java.util.List;

/** A registry refused access: which registry, and which credential source was tried. */
public final class RegistryAuthenticationException extends RegistryException {
    public RegistryAuthenticationException(String message, int status, List<String> codes) {
        super(message, status, codes);
    }
}
