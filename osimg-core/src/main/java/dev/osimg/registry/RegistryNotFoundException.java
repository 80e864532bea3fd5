package dev.osimg.registry;

import java.util.List;

/** What was asked for (a repository, a tag, a blob) is not in the registry. */
public final class RegistryNotFoundException extends RegistryException {
    public RegistryNotFoundException(String message, List<String> codes) {
        super(message, 404, codes);
    }
}
