package dev.osimg.launch;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/** Cuts a serial console's bytes into lines (dropping {@code \r}) and keeps the last few for error reports. */
final class SerialLines {
    /** Lines longer than this are cut, so a console that never ends its line cannot exhaust memory. */
    private static final int MAX_LINE = 16 << 10;

    private final int keep;
    private final Consumer<String> sink;
    private final ByteArrayOutputStream current = new ByteArrayOutputStream();
    private final Deque<String> last = new ArrayDeque<>();

    /** Keeps the last {@code keep} lines and hands every line to {@code sink}. */
    SerialLines(int keep, Consumer<String> sink) {
        this.keep = keep;
        this.sink = sink;
    }

    /** Takes more console bytes. */
    void accept(byte[] data, int length) {
        for (int i = 0; i < length; i++) {
            byte b = data[i];
            if (b == '\n') {
                emit();
            } else if (b != '\r') {
                current.write(b);
                if (current.size() >= MAX_LINE) {
                    emit();
                }
            }
        }
    }

    /** The console ended: a last line without a line ending counts as a line. */
    void finish() {
        if (current.size() > 0) {
            emit();
        }
    }

    /** The last lines seen, oldest first. */
    synchronized List<String> last() {
        return List.copyOf(last);
    }

    private void emit() {
        String line = current.toString(StandardCharsets.UTF_8);
        current.reset();
        synchronized (this) {
            last.addLast(line);
            if (last.size() > keep) {
                last.removeFirst();
            }
        }
        sink.accept(line);
    }
}
