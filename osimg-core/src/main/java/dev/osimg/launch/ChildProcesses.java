package dev.osimg.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Starts and stops the processes of a launch (QEMU, swtpm) so that none outlives it.
 *
 * <p>Where util-linux's {@code setpriv} is installed, each process is started under
 * {@code setpriv --pdeathsig KILL}: the kernel kills it when its parent thread dies, which covers even a
 * {@code SIGKILL} of the JVM, where no shutdown hook runs. That signal follows the thread that forked, not the
 * process, so every process is forked by one daemon thread that lives as long as the JVM. Under util-linux's
 * {@code setsid} each also gets a session of its own, so a Ctrl-C in the terminal reaches only the JVM, which
 * then stops its VMs in order (each QEMU before its TPM).
 */
final class ChildProcesses {
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final ExecutorService SPAWNER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "osimg-launch-spawner");
        t.setDaemon(true);
        return t;
    });

    private ChildProcesses() {
    }

    /** Starts {@code builder}'s command, tied to this JVM's life where the system allows it. */
    static Process start(ProcessBuilder builder) throws IOException {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(SETPRIV)) {
            command.addAll(List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--"));
        }
        // The child is no process group leader, so setsid execs the program itself rather than forking it.
        if (Files.isExecutable(SETSID)) {
            command.addAll(List.of(SETSID.toString(), "--"));
        }
        command.addAll(builder.command());
        builder.command(command);
        Future<Process> started = SPAWNER.submit(builder::start);
        // Starting takes milliseconds: wait for it even when interrupted, so no started process goes untracked.
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return started.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Stops {@code process} and everything it started: {@code SIGTERM}, then {@code SIGKILL} after
     * {@code graceMillis}; returns once the process is gone.
     */
    static void stop(Process process, long graceMillis) {
        List<ProcessHandle> tree = new ArrayList<>();
        process.descendants().forEach(tree::add);
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(graceMillis, TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        tree.forEach(ProcessHandle::destroyForcibly);
    }
}
