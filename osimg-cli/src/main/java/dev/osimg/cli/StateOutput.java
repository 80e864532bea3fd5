package dev.osimg.cli;

import dev.osimg.install.LoaderState;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** The result of a loader state change (commit, rollback): one sentence, the new state as JSON, or with -q the one result. */
final class StateOutput {
    private StateOutput() {
    }

    /** Prints the outcome; {@code quietResult} is the line {@code -q} prints, null for none. */
    static void print(PrintWriter out, OutputOptions output, String disk, LoaderState state, String sentence, String quietResult) {
        if (output.json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("disk", disk);
            doc.put("active", AbTargetOptions.json(state.activeSlot()));
            doc.put("next", AbTargetOptions.json(state.nextSlot()));
            JsonOutput.print(out, doc);
        } else if (output.quiet) {
            if (quietResult != null) {
                out.println(quietResult);
            }
            out.flush();
        } else {
            out.println(sentence);
            out.flush();
        }
    }
}
