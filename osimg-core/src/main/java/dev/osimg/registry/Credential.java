package dev.osimg.registry;

/**
 * A user name and secret (password or token) for a registry. {@link #toString()} never shows
 * the secret, so a credential can be logged or put in a message by mistake without leaking.
 */
public record Credential(String username, String secret) {
    public Credential {
        if (username == null || secret == null) {
            throw new IllegalArgumentException("a credential needs a user name and a secret");
        }
    }

    @Override
    public String toString() {
        return "Credential[username=" + username + ", secret=(hidden)]";
    }
}
