package dev.osimg.cli;

import dev.osimg.sign.PasswordSource;
import java.io.Console;
import java.util.Arrays;

/** Key passwords: from {@code OSIMG_PASSWORD} in scripts, else asked on the terminal; never from the command line. */
final class Passwords {
    static final String ENV = "OSIMG_PASSWORD";

    private Passwords() {
    }

    /** Asks for the password of an existing encrypted key. */
    static PasswordSource forExistingKey() {
        return what -> {
            String env = System.getenv(ENV);
            if (env != null) {
                return env.toCharArray();
            }
            char[] typed = terminal(what + " is encrypted").readPassword("Enter password for %s: ", what);
            return typed == null ? new char[0] : typed;
        };
    }

    /** The password of a new key, typed twice on a terminal; empty means an unencrypted key. */
    static char[] forNewKey() {
        String env = System.getenv(ENV);
        if (env != null) {
            return env.toCharArray();
        }
        Console console = terminal("a password is needed for the new private key");
        char[] first = console.readPassword("Enter password for the private key (empty: unencrypted): ");
        char[] second = console.readPassword("Enter it again: ");
        first = first == null ? new char[0] : first;
        second = second == null ? new char[0] : second;
        boolean same = Arrays.equals(first, second);
        Arrays.fill(second, '\0');
        if (!same) {
            Arrays.fill(first, '\0');
            throw new IllegalArgumentException("the two passwords differ; nothing was written");
        }
        return first;
    }

    private static Console terminal(String why) {
        Console console = System.console();
        if (console == null || !console.isTerminal()) {
            throw new IllegalArgumentException(why + " and there is no terminal to ask on: set " + ENV
                    + " (an empty value means no password)");
        }
        return console;
    }
}
