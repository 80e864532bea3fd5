package dev.osimg.sign;

import java.io.IOException;

/** Supplies the password of an encrypted private key when one is needed (a prompt, an environment variable). */
@FunctionalInterface
public interface PasswordSource {
    /** The password for the key file {@code what}; the caller wipes the array after use. */
    char[] password(String what) throws IOException;
}
