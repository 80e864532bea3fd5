package dev.osimg.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A software TPM 2.0 ({@code swtpm}) for one VM, its state in a directory, reached by QEMU over a UNIX socket. */
final class Swtpm implements AutoCloseable {
    /** The longest UNIX socket path Linux accepts ({@code sun_path} is 108 bytes, NUL included). */
    private static final int MAX_SOCKET_PATH = 107;
    private static final long START_TIMEOUT_MILLIS = 10_000;

    private final Process process;
    private final Path socket;

    private Swtpm(Process process, Path socket) {
        this.process = process;
        this.socket = socket;
    }

    /** Starts swtpm with its state in {@code stateDir}; returns once its control socket accepts QEMU. */
    static Swtpm start(Path swtpm, Path stateDir) throws IOException {
        Files.createDirectories(stateDir);
        Path socket = stateDir.resolve("swtpm.sock").toAbsolutePath();
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            throw new LaunchException("the TPM socket path " + socket + " is longer than the " + MAX_SOCKET_PATH
                    + " bytes a UNIX socket allows; use a shorter --work-dir or --keep directory");
        }
        Path log = stateDir.resolve("swtpm.log");
        // --terminate: swtpm exits when QEMU closes the connection, so it never outlives its VM.
        List<String> command = List.of(swtpm.toString(), "socket", "--tpm2", "--tpmstate", "dir=" + stateDir.toAbsolutePath(),
                "--ctrl", "type=unixio,path=" + socket, "--terminate", "--log", "file=" + log.toAbsolutePath() + ",level=1");
        Process p = ChildProcesses.start(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())));
        long deadline = System.nanoTime() + START_TIMEOUT_MILLIS * 1_000_000;
        try {
            while (!Files.exists(socket)) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    String said = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8).strip() : "";
                    throw new LaunchException("swtpm did not start (" + (p.isAlive() ? "no socket after "
                            + START_TIMEOUT_MILLIS / 1000 + " s" : "exit status " + p.exitValue()) + ")"
                            + (said.isEmpty() ? "" : ": " + said));
                }
                Thread.sleep(5);
            }
        } catch (IOException | RuntimeException e) {
            ChildProcesses.stop(p, 0);
            throw e;
        } catch (InterruptedException e) {
            ChildProcesses.stop(p, 0);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting swtpm", e);
        }
        return new Swtpm(p, socket);
    }

    /** The control socket QEMU's {@code -chardev socket,path=} connects to. */
    Path socket() {
        return socket;
    }

    @Override
    public void close() {
        ChildProcesses.stop(process, 2000);
    }
}
