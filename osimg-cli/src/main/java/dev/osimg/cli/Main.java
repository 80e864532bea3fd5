package dev.osimg.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code osimg} command: ships operating systems the way containers are shipped. */
@Command(name = "osimg",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Ship operating systems the way containers are shipped.",
            "",
            "osimg packs a bootable OS (a UEFI kernel and a root filesystem image) into an OCI artifact, "
                    + "moves it through OCI registries and turns it into a bootable disk.",
            "",
            "IMAGE arguments take an OCI layout directory (oci:DIR[:TAG] or a plain path) or a registry "
                    + "reference (HOST[:PORT]/REPO[:TAG][@sha256:HEX], docker:// in front is allowed). Registries on localhost, "
                    + "127.0.0.0/8 and ::1 are reached over plain HTTP, others over HTTPS unless --plain-http."
        },
        footer = {"", "Exit codes: 0 success, 1 failure, 2 usage error, 3 invalid image, 4 verification failed.",
            "Run 'osimg COMMAND --help' for a command's options, 'man osimg-COMMAND' where osimg is installed."})
public final class Main {
    /**
     * The subcommands, in the order help lists them. They are added in code, not through the annotation, so that a
     * command line naming one of them sets up that one only: picocli inspects every command it is given by
     * reflection, which for all of them costs about a quarter of a second of CPU at every start.
     */
    private static final List<Class<?>> SUBCOMMANDS = List.of(BuildCommand.class, InspectCommand.class,
            VerifyCommand.class, InstallCommand.class, LaunchCommand.class,
            UpdateCommand.class, CommitCommand.class, RollbackCommand.class, StatusCommand.class,
            CopyCommand.class, PushCommand.class, PullCommand.class, TagsCommand.class, DeleteCommand.class, LoginCommand.class, LogoutCommand.class, ServeCommand.class,
            VersionCommand.class,
            GenerateKeyPairCommand.class, SignCommand.class, CommandLine.HelpCommand.class);

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "On failure, print the full stack trace.")
    boolean debug;

    public static void main(String[] args) {
        JsonWarmUp.startFor(args);
        NativeLibraries.unpackIntoOwnedTemporary();
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code, without exiting (for tests). */
    public static int run(String... args) {
        CommandLine cli = commandLine(needed(args));
        cli.setExecutionExceptionHandler(new ErrorReporter());
        cli.setParameterExceptionHandler(new UsageErrorReporter());
        return cli.execute(args);
    }

    /** The command tree, set up as users see it (also for completion and man pages). */
    public static CommandLine commandLine() {
        return commandLine(SUBCOMMANDS);
    }

    private static CommandLine commandLine(List<Class<?>> subcommands) {
        CommandLine cli = new CommandLine(new Main());
        for (Class<?> subcommand : subcommands) {
            cli.addSubcommand(subcommand);
        }
        cli.setUsageHelpAutoWidth(true);
        for (CommandLine sub : cli.getSubcommands().values()) {
            OutputOptions.describeQuiet(sub);
            UnusedRegistryOptions.remove(sub);
        }
        return cli;
    }

    /**
     * The subcommands a command line needs: the one it names (the root's own options take no value, so that is its
     * first word not starting with '-'); none for a bare {@code --version}; all of them for {@code help}, for a
     * bare {@code osimg} or {@code --help} (the usage lists them) and for an unknown name (the error suggests one).
     */
    private static List<Class<?>> needed(String... args) {
        for (String arg : args) {
            if (arg.startsWith("-")) {
                continue;
            }
            for (Class<?> subcommand : SUBCOMMANDS) {
                if (subcommand != CommandLine.HelpCommand.class && commandName(subcommand).equals(arg)) {
                    return List.of(subcommand);
                }
            }
            return SUBCOMMANDS;
        }
        boolean versionOnly = args.length > 0;
        for (String arg : args) {
            versionOnly &= arg.equals("--version") || arg.equals("-V");
        }
        return versionOnly ? List.of() : SUBCOMMANDS;
    }

    /**
     * The name a user types for a subcommand, from its class name ({@code GenerateKeyPairCommand} is
     * {@code generate-key-pair}); HelpTest checks it against every {@code @Command} name. Reading the
     * annotations instead parsed one per subcommand at every start (dynamic proxies the AOT cache cannot
     * keep: 30-40 ms).
     */
    static String commandName(Class<?> subcommand) {
        String simple = subcommand.getSimpleName();
        String base = simple.endsWith("Command") ? simple.substring(0, simple.length() - "Command".length()) : simple;
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < base.length(); i++) {
            char c = base.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                name.append('-');
            }
            name.append(Character.toLowerCase(c));
        }
        return name.toString();
    }
}
