package dev.osimg.cli;

import java.time.Duration;
import me.tongfei.progressbar.ProgressBarRenderer;
import me.tongfei.progressbar.ProgressState;

/**
 * Draws a progress bar as {@code LABEL  42% [=====>    ] 12.0 MiB / 28.6 MiB  45.2 MiB/s} within the terminal width:
 * sizes in the unit that suits them (never {@code 0/0MiB} for small blobs), the speed only once there is one to show
 * (never {@code ?MiB/s}), and the bar itself dropped before the text is cut.
 */
final class BarRenderer implements ProgressBarRenderer {
    /** A speed measured over less than this is noise, not shown. */
    private static final Duration SPEED_AFTER = Duration.ofMillis(500);
    private static final int MIN_BAR = 10;

    @Override
    public String render(ProgressState state, int maxLength) {
        return render(state.getTaskName(), state.getCurrent(), state.getMax(), state.getTotalElapsed(), maxLength);
    }

    static String render(String label, long current, long max, Duration elapsed, int maxLength) {
        long done = Math.min(current, Math.max(max, 0));
        int percent = max <= 0 ? 100 : (int) (done * 100 / max);
        String head = label + " " + String.format("%3d%%", percent) + " ";
        String tail = " " + Sizes.bytes(done) + " / " + Sizes.bytes(Math.max(max, 0));
        if (elapsed.compareTo(SPEED_AFTER) >= 0 && done > 0) {
            tail += "  " + Sizes.rate(done, elapsed.toNanos());
        }
        int room = maxLength - head.length() - tail.length() - 2;
        if (room < MIN_BAR) {
            String text = head.stripTrailing() + tail;
            return text.length() <= maxLength ? text : text.substring(0, Math.max(0, maxLength));
        }
        int filled = max <= 0 ? room : (int) (done * room / max);
        String bar = "=".repeat(filled) + (filled < room ? ">" + " ".repeat(room - filled - 1) : "");
        return head + "[" + bar + "]" + tail;
    }
}
