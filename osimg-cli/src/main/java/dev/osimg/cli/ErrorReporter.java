package dev.osimg.cli;

import dev.osimg.blob.DigestMismatchException;
import dev.osimg.digest.InvalidDigestException;
import dev.osimg.osimage.OsImageFormatException;
import dev.osimg.osimage.PayloadVerificationException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/** Turns a failure into one clear line on stderr and an exit code; {@code --debug} adds the stack. */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        Main root = cmd.getCommandSpec().root().userObject() instanceof Main m ? m : null;
        String message = describe(e);
        int code = exitCode(e);
        cmd.getErr().println(PREFIX + message);
        if (root != null && root.debug) {
            e.printStackTrace(cmd.getErr());
        }
        cmd.getErr().flush();
        if (wantsJson(parsed)) {
            JsonOutput.printError(cmd.getOut(), message, code);
        }
        return code;
    }

    /** The one prefix of every error line osimg prints. */
    static final String PREFIX = "osimg: error: ";

    /** Whether the command line that failed asked for JSON: then the failure is a JSON document too. */
    static boolean wantsJson(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--json")) {
                return true;
            }
        }
        return false;
    }

    static int exitCode(Throwable e) {
        return switch (e) {
            case PayloadVerificationException v -> ExitCodes.VERIFICATION_FAILED;
            case DigestMismatchException d -> ExitCodes.VERIFICATION_FAILED;
            case OsImageFormatException f -> ExitCodes.INVALID_IMAGE;
            case InvalidDigestException d -> ExitCodes.INVALID_IMAGE;
            case IllegalArgumentException a -> ExitCodes.USAGE;
            default -> ExitCodes.FAILURE;
        };
    }

    /** The message of an exception, with the file system's terse ones made readable. */
    static String describe(Throwable e) {
        return switch (e) {
            case NoSuchFileException f -> f.getReason() == null ? f.getFile() + ": no such file or directory"
                    : f.getFile() + ": " + f.getReason();
            case AccessDeniedException a -> a.getFile() + ": permission denied";
            case FileAlreadyExistsException f -> f.getReason() == null ? f.getFile() + ": already exists"
                    : f.getFile() + " " + f.getReason();
            case FileSystemException f -> f.getMessage();
            default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        };
    }
}
