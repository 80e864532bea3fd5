package dev.osimg.launch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.regex.Pattern;

/** One running VM: its QEMU process, its TPM, and a thread that reads its serial console and reports events. */
final class VmNode {
    /** How many serial lines are kept for error reports. */
    static final int KEPT_LINES = 20;
    private static final long STOP_GRACE_MILLIS = 3000;

    /** What a node reports to the launch. */
    sealed interface Event {
        /** A serial line of the node matched the expected pattern. */
        record Matched(int node) implements Event {
        }

        /** The node's QEMU exited by itself. */
        record Exited(int node, int code) implements Event {
        }

        /** Reading the console or showing it failed. */
        record Failed(int node, Exception error) implements Event {
        }
    }

    private final int number;
    private final QemuCommand command;
    private final Path log;
    private final Optional<Swtpm> tpm;
    private final Optional<Pattern> expect;
    private final LaunchListener listener;
    private final BlockingQueue<Event> events;
    private final long diskReady;
    private final SerialLines lines;
    private volatile Process qemu;
    private volatile Thread reader;
    private volatile long started = -1;
    private volatile long firstSerial = -1;
    private volatile long matched = -1;
    private volatile boolean stopping;
    private volatile Integer exitCode;

    VmNode(int number, QemuCommand command, Path log, Optional<Swtpm> tpm, Optional<Pattern> expect, LaunchListener listener,
           BlockingQueue<Event> events, long diskReady) {
        this.number = number;
        this.command = command;
        this.log = log;
        this.tpm = tpm;
        this.expect = expect;
        this.listener = listener;
        this.events = events;
        this.diskReady = diskReady;
        this.lines = new SerialLines(KEPT_LINES, this::line);
    }

    /** Starts QEMU and the console reader. */
    void start() throws IOException {
        started = System.nanoTime();
        qemu = ChildProcesses.start(new ProcessBuilder(command.argv()).redirectError(log.toFile()));
        Thread t = new Thread(this::readConsole, "osimg-vm-" + NodeResult.label(number));
        t.setDaemon(true);
        reader = t;
        t.start();
    }

    private void readConsole() {
        byte[] buffer = new byte[8192];
        try (InputStream in = qemu.getInputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (n == 0) {
                    continue;
                }
                if (firstSerial < 0) {
                    firstSerial = System.nanoTime();
                }
                listener.serialData(number, buffer, n);
                lines.accept(buffer, n);
            }
            lines.finish();
            int code = qemu.waitFor();
            if (!stopping) {
                exitCode = code;
                events.add(new Event.Exited(number, code));
            }
        } catch (IOException | RuntimeException e) {
            if (!stopping) {
                events.add(new Event.Failed(number, e));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void line(String line) {
        listener.serialLine(number, line);
        if (matched < 0 && expect.isPresent() && expect.get().matcher(line).find()) {
            matched = System.nanoTime();
            events.add(new Event.Matched(number));
        }
    }

    /** Stops QEMU (and everything it started) and the TPM; waits until the console is read to its end. */
    void stop() {
        stopping = true;
        Process p = qemu;
        if (p != null) {
            ChildProcesses.stop(p, STOP_GRACE_MILLIS);
        }
        tpm.ifPresent(Swtpm::close);
        Thread t = reader;
        if (t != null) {
            try {
                t.join(STOP_GRACE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** What the node did, times relative to {@code origin}. */
    NodeResult result(long origin) throws IOException {
        List<String> messages = Files.exists(log) ? new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList()
                : List.of();
        if (stopping) {
            // QEMU's note that osimg stopped it says nothing about the guest.
            messages = messages.stream().filter(l -> !l.contains("terminating on signal")).toList();
        }
        messages = messages.subList(Math.max(0, messages.size() - KEPT_LINES), messages.size());
        Integer code = exitCode;
        return new NodeResult(number, diskReady - origin, started < 0 ? -1 : started - origin, since(firstSerial, origin),
                since(matched, origin), code == null ? OptionalInt.empty() : OptionalInt.of(code), lines.last(), messages);
    }

    private static OptionalLong since(long time, long origin) {
        return time < 0 ? OptionalLong.empty() : OptionalLong.of(time - origin);
    }
}
