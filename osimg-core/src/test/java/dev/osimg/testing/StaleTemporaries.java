package dev.osimg.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Temporary names as osimg gives them, owned by a process that has exited: what a killed run leaves behind. */
public final class StaleTemporaries {
    private StaleTemporaries() {
    }

    /** A temporary name of a process that ran and exited. */
    public static String ofExitedProcess(String label) throws IOException, InterruptedException {
        // cat runs until its input closes: its start time can be read while it runs, then it exits.
        Process gone = new ProcessBuilder("cat").start();
        long start = gone.info().startInstant().orElseThrow().toEpochMilli();
        gone.getOutputStream().close();
        if (!gone.waitFor(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("cat did not exit");
        }
        return name(gone.pid(), start, label);
    }

    /** A temporary name of process {@code pid} started at {@code startMillis}. */
    public static String name(long pid, long startMillis, String label) throws IOException {
        String ns = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString().replaceAll("\\D", "");
        return ".osimg-tmp-" + ns + "-" + pid + "-" + Long.toHexString(startMillis) + "-0123456789abcdef-" + label;
    }

    /** A temporary name of this (running) process. */
    public static String ofThisProcess(String label) throws IOException {
        ProcessHandle self = ProcessHandle.current();
        return name(self.pid(), self.info().startInstant().orElseThrow().toEpochMilli(), label);
    }
}
