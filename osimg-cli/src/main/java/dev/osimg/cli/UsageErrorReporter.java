package dev.osimg.cli;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.UnmatchedArgumentException;

/** A usage error: one line saying what is wrong (with "did you mean" for typos), and where to read more. */
final class UsageErrorReporter implements CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        CommandLine.ParameterException reported = e;
        // A mistyped option is often the one reported missing: name the typo first.
        if (!(e instanceof UnmatchedArgumentException) && !cmd.getUnmatchedArguments().isEmpty()) {
            reported = new UnmatchedArgumentException(cmd, cmd.getUnmatchedArguments());
        }
        String message = reported instanceof UnmatchedArgumentException u ? describe(u) : withoutPrefix(reported.getMessage());
        cmd.getErr().println(ErrorReporter.PREFIX + message);
        cmd.getErr().println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
        cmd.getErr().flush();
        if (Arrays.asList(args).contains("--json")) {
            JsonOutput.printError(cmd.getOut(), message, ExitCodes.USAGE);
        }
        return ExitCodes.USAGE;
    }

    /** picocli starts some messages (a missing group of options) with its own "Error: ", after ours. */
    private static String withoutPrefix(String message) {
        return message != null && message.startsWith("Error: ") ? message.substring("Error: ".length()) : message;
    }

    private static String describe(UnmatchedArgumentException u) {
        List<String> unmatched = u.getUnmatched();
        String first = unmatched.isEmpty() ? "" : unmatched.get(0);
        CommandLine cmd = u.getCommandLine();
        String what;
        if (u.isUnknownOption()) {
            what = "unknown option '" + first + "'";
        } else if (!cmd.getSubcommands().isEmpty() && cmd.getCommandSpec().positionalParameters().isEmpty()) {
            what = "unknown command '" + first + "'";
        } else {
            what = "unexpected argument '" + first + "'";
        }
        // picocli's own suggestions miss swapped letters ('--jbos'): every name that could be meant is a candidate.
        Set<String> candidates = new LinkedHashSet<>(u.getSuggestions());
        if (u.isUnknownOption()) {
            candidates.addAll(cmd.getCommandSpec().optionsMap().keySet());
        } else {
            candidates.addAll(cmd.getSubcommands().keySet());
        }
        List<String> suggestions = closest(first, List.copyOf(candidates));
        if (!suggestions.isEmpty()) {
            what += "; did you mean " + String.join(" or ", suggestions.stream().map(s -> "'" + s + "'").toList()) + "?";
        }
        return what;
    }

    /** Of picocli's candidates, the ones fewest typing mistakes away (at most a third of the word's letters). */
    static List<String> closest(String typed, List<String> candidates) {
        int best = Math.max(2, typed.length() / 3);
        List<String> closest = new java.util.ArrayList<>();
        for (String candidate : candidates) {
            int d = distance(typed, candidate);
            if (d < best) {
                best = d;
                closest.clear();
            }
            if (d == best) {
                closest.add(candidate);
            }
        }
        return closest;
    }

    /** Edits (insert, delete, replace, swap two neighbours) that turn a into b: the optimal string alignment distance. */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
