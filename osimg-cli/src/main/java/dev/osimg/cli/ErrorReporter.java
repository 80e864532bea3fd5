package dev.osimg.cli;

import dev.osimg.blob.DigestMismatchException;
import dev.osimg.digest.InvalidDigestException;
import dev.osimg.linux.TemporaryFiles;
import dev.osimg.oci.InvalidImageException;
import dev.osimg.osimage.PayloadVerificationException;
import dev.osimg.registry.RegistryAuthenticationException;
import dev.osimg.sign.SignatureVerificationException;
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
        // What the user named, not the temporary osimg writes it under first.
        String message = TemporaryFiles.withoutTemporaryNames(describe(e));
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
            case SignatureVerificationException s -> ExitCodes.VERIFICATION_FAILED;
            case DigestMismatchException d -> ExitCodes.VERIFICATION_FAILED;
            case InvalidImageException f -> ExitCodes.INVALID_IMAGE;
            case InvalidDigestException d -> ExitCodes.INVALID_IMAGE;
            case IllegalArgumentException a when thrownByOsimg(a) -> ExitCodes.USAGE;
            default -> ExitCodes.FAILURE;
        };
    }

    /**
     * Whether osimg's own code threw it: osimg checks what the user gave with these, while one
     * from a library or the JDK is a failure, not a usage error.
     */
    private static boolean thrownByOsimg(Throwable e) {
        StackTraceElement[] stack = e.getStackTrace();
        return stack.length > 0 && stack[0].getClassName().startsWith("dev.osimg.");
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
            case RegistryAuthenticationException r when r.status() == 401 -> r.getMessage()
                    + "; log in with 'osimg login HOST' (or docker login: osimg reads ~/.docker/config.json) or pass --username USER --password-stdin";
            case RuntimeException r when !thrownByOsimg(r) -> "unexpected failure" + (r.getMessage() == null ? "" : ": " + r.getMessage())
                    + " (--debug shows where)";
            default -> e.getMessage() == null ? "unexpected failure (--debug shows where)" : e.getMessage();
        };
    }
}
