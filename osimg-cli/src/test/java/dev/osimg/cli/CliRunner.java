package dev.osimg.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the CLI in a child JVM, as a user would, and captures exit code, stdout and stderr. */
final class CliRunner {
    record Result(int exitCode, String out, String err) {
    }

    private CliRunner() {
    }

    /** Runs {@code osimg ARGS} with the given extra JVM options. */
    static Result run(List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        return run(Map.of(), jvmOptions, args);
    }

    /** Runs {@code osimg ARGS} with extra environment variables and JVM options. */
    static Result run(Map<String, String> environment, List<String> jvmOptions, String... args)
            throws IOException, InterruptedException {
        return finish(start(List.of(), environment, jvmOptions, args), args);
    }

    static Result run(String... args) throws IOException, InterruptedException {
        return run(List.of(), args);
    }

    /**
     * Starts {@code osimg ARGS} without waiting: behind {@code prefix} (a command such as
     * {@code setpriv ...} that runs the JVM), with extra environment variables and JVM options.
     */
    static Process start(List<String> prefix, Map<String, String> environment, List<String> jvmOptions, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(command(jvmOptions, args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        return process;
    }

    /** Waits for a started run and captures its exit code, stdout and stderr. */
    static Result finish(Process process, String... args) throws IOException, InterruptedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread errReader = Thread.ofVirtual().start(() -> copy(process, true, err));
        copy(process, false, out);
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("osimg " + String.join(" ", args) + " did not finish in 5 minutes");
        }
        errReader.join();
        return new Result(process.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs {@code osimg ARGS} through {@link Main#run} in this JVM (fast; for commands that need no process of their own). */
    static synchronized Result inProcess(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Main.run(args);
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * Fails with the reason when SIGINT is ignored in this JVM, and so in every child it starts: a shell
     * without job control starts background jobs ({@code cmd &}) that way, and the JVM then never sees
     * a SIGINT, so a test of what SIGINT does would fail for a reason that is not osimg's.
     */
    static void requireSigintDelivered() throws IOException {
        String ignored = java.nio.file.Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(line -> line.startsWith("SigIgn:")).findFirst().orElseThrow().substring("SigIgn:".length()).trim();
        boolean sigintIgnored = (Long.parseUnsignedLong(ignored, 16) & (1L << (2 - 1))) != 0;
        org.assertj.core.api.Assertions.assertThat(sigintIgnored)
                .as("SIGINT is ignored in this test run (was it started as a background job of a shell without job"
                        + " control, e.g. 'scripts/test &' in a script?); run it in the foreground or with 'set -m'")
                .isFalse();
    }

    /** The command line of a child JVM running {@code osimg ARGS}. */
    static List<String> command(List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        return command;
    }

    private static void copy(Process process, boolean stderr, ByteArrayOutputStream sink) {
        try (var in = stderr ? process.getErrorStream() : process.getInputStream(); PrintStream ignored = null) {
            in.transferTo(sink);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
