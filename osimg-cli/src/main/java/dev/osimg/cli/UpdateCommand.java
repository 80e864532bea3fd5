package dev.osimg.cli;

import dev.osimg.ab.SlotUpdate;
import dev.osimg.blob.Progress;
import dev.osimg.oci.ImageReference;
import dev.osimg.registry.RegistryImage;
import dev.osimg.transfer.DeltaListener;
import dev.osimg.transfer.DeltaPlan;
import dev.osimg.osimage.OsImage;
import dev.osimg.registry.RegistryClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code osimg update}: writes an image into the inactive slot of an A/B disk and boots it once (or for good). */
@Command(name = "update", sortOptions = false,
        description = {"Write an OS image into the spare slot and boot it once.",
            "",
            "Writes the image into the slot that is neither running nor active, then tells the loader to boot it "
                    + "once (osimg commit keeps it; a reboot without commit returns to the old slot). Each step is flushed "
                    + "before the next, so an interruption at any point leaves the old slot booting.",
            "",
            "Without --disk or --device: the running system (found through the A/B loader's EFI variables)."})
final class UpdateCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Parameters(paramLabel = "IMAGE", description = "oci:DIR[:TAG], a layout directory, or a registry reference.")
    String image;

    @CommandLine.Mixin
    AbTargetOptions target;

    @Option(names = "--commit", description = "Make the new slot active at once instead of booting it once on trial.")
    boolean commit;

    @CommandLine.Mixin
    OutputOptions output;

    @CommandLine.Mixin
    RegistryOptionsMixin registry;

    @CommandLine.Mixin
    SignatureOptionsMixin signatures;

    @Option(names = "--delta", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = {"From a registry (the default): read and hash both slots, take every chunk of the new system found",
                "there, and fetch only the others with HTTP Range, each verified before it is written. --no-delta streams",
                "the whole payload. Images in a layout directory are always streamed."})
    boolean delta;

    @Override
    public Integer call() throws IOException {
        long start = System.nanoTime();
        // The client stays open for the whole update: payloads stream from the registry onto the disk.
        try (RegistryClient client = registry.client()) {
            OsImage os = ImageArgument.open(image, client);
            // Before the disk is opened: a refused image leaves every slot as it was.
            SignatureCheck.Outcome signature = signatures.check(ImageReference.parse(image), os.image(), client);
            PrintWriter err = spec.commandLine().getErr();
            PhaseLog progress = new PhaseLog(ConsoleProgress.forTerminal(output.silent()), output.silent() ? null : err);
            SlotUpdate update;
            String disk;
            plan = null;
            try (AbTargetOptions.Opened opened = target.open(true)) {
                disk = opened.disk().name();
                update = SlotUpdate.plan(opened.disk(), os, opened.running(), commit);
                if (delta && os.image() instanceof RegistryImage) {
                    plan = update.planDelta(registry.jobs, fallbackLines(err));
                    if (!output.silent()) {
                        err.printf("Delta plan for slot %s:%n", update.target());
                        DeltaReport.print(err, plan);
                    }
                }
                update.apply(progress);
                progress.succeeded();
            }
            print(os, update, disk, signature, System.nanoTime() - start);
        }
        return ExitCodes.OK;
    }

    private DeltaPlan plan;

    /** One line on stderr when the registry will not serve a range and the payload is fetched whole. */
    private static DeltaListener fallbackLines(PrintWriter err) {
        return new DeltaListener() {
            @Override
            public void fallback(String payload, String reason) {
                err.println("osimg: payload \"" + payload + "\": " + reason + "; fetching the whole blob instead");
                err.flush();
            }
        };
    }

    private void print(OsImage os, SlotUpdate update, String disk, SignatureCheck.Outcome signature, long nanos) {
        PrintWriter out = spec.commandLine().getOut();
        if (output.json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("image", os.image().location());
            doc.put("digest", os.image().manifestDigest().toString());
            doc.put("disk", disk);
            doc.put("slot", update.target().letter());
            doc.put("active", AbTargetOptions.json(update.after().activeSlot()));
            doc.put("next", AbTargetOptions.json(update.after().nextSlot()));
            doc.put("signature", signature.describe());
            if (plan != null) {
                doc.put("delta", DeltaReport.toJson(plan));
            }
            doc.put("seconds", nanos / 1e9);
            JsonOutput.print(out, doc);
            return;
        }
        if (output.quiet) {
            out.println(update.target().letter());
            out.flush();
            return;
        }
        out.printf("Updated slot %s of %s with %s (%s %s, %s) in %s%n", update.target(), disk, os.image().location(),
                os.productInfo().name(), os.productInfo().version(), os.image().manifestDigest(), Sizes.seconds(nanos));
        out.printf("Signature: %s%n", signature.describe());
        if (commit) {
            out.printf("Slot %s is active: every boot starts it.%n", update.target());
        } else {
            out.printf("The next boot starts slot %s once; osimg commit keeps it, otherwise the boot after returns to slot %s.%n",
                    update.target(), update.after().activeSlot());
        }
        out.flush();
    }
}
