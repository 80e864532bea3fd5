package dev.osimg.cli;

import dev.osimg.ab.AbStatus;
import dev.osimg.ab.BootProgram;
import dev.osimg.ab.StateFile;
import dev.osimg.install.LoaderState;
import dev.osimg.install.LoaderState.Slot;
import dev.osimg.install.SlotRecord;
import dev.osimg.loader.AbLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code osimg status}: what an A/B disk holds and which slot boots next. */
@Command(name = "status", sortOptions = false,
        description = {"Show the A/B state of a disk or the running system.",
            "",
            "Shows the loader state (active and next slot), the running slot, the loader on the ESP and the image "
                    + "each slot holds. Without --disk or --device: the running system."})
final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @CommandLine.Mixin
    AbTargetOptions target;

    @CommandLine.Mixin
    OutputOptions output;

    @Override
    public Integer call() throws IOException {
        AbStatus status;
        String espMount;
        String runningFrom;
        try (AbTargetOptions.Opened opened = target.open(false)) {
            status = AbStatus.read(opened.disk(), opened.running());
            espMount = opened.disk().espMount().map(Object::toString).orElse(null);
            runningFrom = opened.live().map(l -> l.runningSource()).orElse(null);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json) {
            JsonOutput.print(out, document(status, espMount, runningFrom));
        } else if (output.quiet) {
            out.println(status.state().state().effectiveActive().letter());
            out.flush();
        } else {
            print(out, status, espMount, runningFrom);
        }
        return ExitCodes.OK;
    }

    static Map<String, Object> document(AbStatus s, String espMount, String runningFrom) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("disk", s.disk());
        doc.put("esp_mount", espMount);
        doc.put("loader", s.loader().map(StatusCommand::loader).orElse(null));
        Map<String, Object> state = new LinkedHashMap<>();
        LoaderState ls = s.state().state();
        state.put("file", s.state().condition().name().toLowerCase(Locale.ROOT));
        if (s.state().condition() == StateFile.Condition.CORRUPT) {
            state.put("problem", s.state().problem());
        }
        state.put("active", AbTargetOptions.json(ls.activeSlot()));
        state.put("next", AbTargetOptions.json(ls.nextSlot()));
        doc.put("state", state);
        doc.put("running", s.running().map(Slot::letter).orElse(null));
        if (runningFrom != null) {
            doc.put("running_from", runningFrom);
        }
        doc.put("boots_next", s.bootsNext().letter());
        doc.put("profile", profile(s));
        List<Map<String, Object>> slots = new ArrayList<>();
        for (var e : s.slots().entrySet()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("slot", e.getKey().letter());
            m.put("partition", e.getValue().partition());
            m.put("partition_size", e.getValue().partitionSize());
            m.put("holds_image", e.getValue().holdsImage());
            m.put("image", e.getValue().record().map(StatusCommand::record).orElse(null));
            slots.add(m);
        }
        doc.put("slots", slots);
        return doc;
    }

    /** The install profile the slots' partition names belong to, or null for names of neither. */
    private static String profile(AbStatus s) {
        return s.slots().values().stream().map(i -> dev.osimg.install.Profile.ofSlotName(i.partition()))
                .flatMap(java.util.Optional::stream).map(dev.osimg.install.Profile::key).findFirst().orElse(null);
    }

    private static Map<String, Object> loader(BootProgram p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", p.path());
        m.put("size", p.size());
        m.put("digest", p.digest());
        m.put("osimg_loader", p.osimgLoader());
        m.put("direct_boot", p.directBoot());
        return m;
    }

    private static Map<String, Object> record(SlotRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("image", r.image());
        m.put("digest", r.manifestDigest());
        m.put("product_name", r.productName());
        m.put("version", r.version());
        m.put("system_size", r.systemSize());
        m.put("written", r.written());
        m.put("written_by", r.writtenBy());
        return m;
    }

    private static void print(PrintWriter out, AbStatus s, String espMount, String runningFrom) {
        LoaderState ls = s.state().state();
        out.printf("%s%s%n", s.disk(), espMount == null ? "" : " (ESP mounted at " + espMount + ")");
        out.printf("  loader   %s%n", s.loader().map(p -> p.path() + " (" + (p.osimgLoader() ? AbLoader.NAME + ", " : "")
                + Sizes.bytes(p.size()) + ", " + p.digest()
                .substring(0, 19) + "…)" + (p.directBoot() ? " boots the kernel directly: no A/B switching" : ""))
                .orElse("none on the ESP"));
        String file = switch (s.state().condition()) {
            case VALID -> "";
            case MISSING -> " (no state file: the loader boots A)";
            case CORRUPT -> " (state file corrupt: " + s.state().problem() + "; the loader boots A)";
        };
        out.printf("  state    active %s, next %s%s%n", AbTargetOptions.text(ls.activeSlot()), AbTargetOptions.text(ls.nextSlot()),
                file);
        if (s.running().isPresent()) {
            out.printf("  running  %s (%s)%n", s.running().get(), runningFrom);
        }
        out.printf("  profile  %s%n", profile(s) == null ? "unknown (custom partition names)" : profile(s));
        out.printf("  boots    %s next%s%n", s.bootsNext(), ls.nextSlot() != Slot.NONE ? " (once), then " + ls.effectiveActive() : "");
        for (var e : s.slots().entrySet()) {
            AbStatus.SlotInfo info = e.getValue();
            String image = info.record().map(r -> r.productName() + " " + r.version() + " " + r.manifestDigest().substring(0, 19)
                    + "… from " + r.image() + ", written " + r.written() + " by " + r.writtenBy())
                    .orElse(info.holdsImage() ? "an image without a record" : "empty");
            List<String> marks = new ArrayList<>();
            if (e.getKey() == ls.effectiveActive()) {
                marks.add("active");
            }
            if (s.running().orElse(Slot.NONE) == e.getKey()) {
                marks.add("running");
            }
            out.printf("  slot %s   %-22s %10s  %s%s%n", e.getKey(), info.partition(), Sizes.bytes(info.partitionSize()), image,
                    marks.isEmpty() ? "" : "  [" + String.join(", ", marks) + "]");
        }
        out.flush();
    }
}
