package dev.osimg.fuzz;

import java.util.List;

/** What every parser must do with outside bytes: fail only with its documented error, in osimg's own words. */
final class Expectations {
    /** Text that shows a library or the JVM talking instead of osimg. */
    private static final List<String> LEAKS = List.of("Exception:", "java.lang", "java.util", "com.fasterxml", "DeserializationConfig",
            "Cannot deserialize", "Cannot construct", "Cannot map", "Unrecognized token", "Unexpected character (");

    private Expectations() {
    }

    /** The error has a message, and the message is osimg's. */
    static void plainMessage(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            throw new AssertionError("an error without a message", e);
        }
        for (String leak : LEAKS) {
            if (message.contains(leak)) {
                throw new AssertionError("library text (" + leak + ") in: " + message, e);
            }
        }
    }

    /** An IllegalArgumentException is a usage error only when osimg threw it (the CLI maps others to failures). */
    static void ownIllegalArgument(IllegalArgumentException e) {
        StackTraceElement[] stack = e.getStackTrace();
        if (stack.length == 0 || !stack[0].getClassName().startsWith("dev.osimg.")) {
            throw new AssertionError("an IllegalArgumentException from " + (stack.length == 0 ? "nowhere" : stack[0]), e);
        }
        plainMessage(e);
    }
}
