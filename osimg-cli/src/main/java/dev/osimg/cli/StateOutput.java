package dev.osimg.cli;

import dev.osimg.install.LoaderState;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** The result of a loader state change (commit, rollback): one sentence, or the new state as JSON. */
final class StateOutput {
    private StateOutput() {
    }

    static void print(PrintWriter out, boolean json, String disk, LoaderState state, String sentence) {
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("disk", disk);
            doc.put("active", AbTargetOptions.json(state.activeSlot()));
            doc.put("next", AbTargetOptions.json(state.nextSlot()));
            JsonOutput.print(out, doc);
        } else {
            out.println(sentence);
            out.flush();
        }
    }
}
