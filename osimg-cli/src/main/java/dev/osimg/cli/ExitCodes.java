package dev.osimg.cli;

/** The process exit codes, as listed in {@code osimg --help}. */
final class ExitCodes {
    static final int OK = 0;
    static final int FAILURE = 1;
    static final int USAGE = 2;
    static final int INVALID_IMAGE = 3;
    static final int VERIFICATION_FAILED = 4;

    private ExitCodes() {
    }
}
