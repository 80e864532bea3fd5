package dev.osimg.cli;

import dev.osimg.transfer.DeltaPlan;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shows a delta plan: what is taken locally and what is fetched, per payload and in total, as text or JSON. */
final class DeltaReport {
    private DeltaReport() {
    }

    /** The plan as a JSON object. */
    static Map<String, Object> toJson(DeltaPlan plan) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("chunks_total", plan.chunksTotal());
        doc.put("chunks_local", plan.chunksLocal());
        doc.put("chunks_to_fetch", plan.chunksToFetch());
        doc.put("bytes_to_fetch", plan.bytesToFetch());
        doc.put("metadata_bytes", plan.metadataBytes());
        doc.put("full_bytes", plan.fullBytes());
        List<Map<String, Object>> payloads = new ArrayList<>();
        for (DeltaPlan.PayloadPlan p : plan.payloads()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", p.payload().name());
            entry.put("chunks_total", p.chunksTotal());
            entry.put("chunks_local", p.chunksLocal());
            entry.put("chunks_to_fetch", p.chunksToFetch());
            entry.put("bytes_to_fetch", p.bytesToFetch());
            entry.put("ranges", p.ranges().size());
            entry.put("stored_size", p.payload().layer().size());
            if (p.whole()) {
                entry.put("fetched_whole_because", p.reason());
            }
            payloads.add(entry);
        }
        doc.put("payloads", payloads);
        return doc;
    }

    /** The plan as a few lines: one per payload, then the total against a full transfer. */
    static void print(PrintWriter out, DeltaPlan plan) {
        for (DeltaPlan.PayloadPlan p : plan.payloads()) {
            String how = p.whole() ? "fetched whole: " + p.reason()
                    : String.format("%d local, %d to fetch in %d range%s", p.chunksLocal(), p.chunksToFetch(), p.ranges().size(),
                            p.ranges().size() == 1 ? "" : "s");
            out.printf("  payload %-12s %6d chunks: %s (%s)%n", p.payload().name(), p.chunksTotal(), how, Sizes.bytes(p.bytesToFetch()));
        }
        long full = plan.fullBytes();
        out.printf("Delta: %d of %d chunks local, %d to fetch: %s of %s (%.1f %%, manifest, config and seek tables included)%n",
                plan.chunksLocal(), plan.chunksTotal(), plan.chunksToFetch(), Sizes.bytes(plan.bytesToFetch()), Sizes.bytes(full),
                full == 0 ? 0.0 : 100.0 * plan.bytesToFetch() / full);
        out.flush();
    }
}
