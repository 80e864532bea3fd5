package dev.osimg.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code osimg} command: ships operating systems the way containers are shipped. */
@Command(name = "osimg",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Pack bootable OS images (a UEFI kernel and a root filesystem) as OCI artifacts,",
            "move them through OCI registries and turn them into bootable disks.",
            "",
            "IMAGE arguments take an OCI layout directory (oci:DIR[:TAG] or a plain path) or a registry",
            "reference (HOST[:PORT]/REPO[:TAG][@sha256:HEX], optionally docker://). Registries on localhost,",
            "127.0.0.0/8 and ::1 are reached over plain HTTP, others over HTTPS unless --plain-http."
        },
        subcommands = {BuildCommand.class, InspectCommand.class, VerifyCommand.class, InstallCommand.class, LaunchCommand.class,
            UpdateCommand.class, CommitCommand.class, RollbackCommand.class, StatusCommand.class,
            CopyCommand.class, PushCommand.class, PullCommand.class, ServeCommand.class, VersionCommand.class,
            GenerateKeyPairCommand.class, SignCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 success, 1 failure, 2 usage error, 3 invalid image, 4 verification failed."})
public final class Main {
    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "On failure, print the full stack trace.")
    boolean debug;

    public static void main(String[] args) {
        NativeLibraries.unpackIntoOwnedTemporary();
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code, without exiting (for tests). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new ErrorReporter());
        cli.setParameterExceptionHandler(new UsageErrorReporter());
        return cli.execute(args);
    }
}
