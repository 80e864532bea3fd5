package dev.osimg.cli;

import dev.osimg.osimage.OsImage;
import dev.osimg.transfer.DeltaPlan;
import dev.osimg.transfer.DeltaPlanner;
import dev.osimg.registry.RegistryClient;
import dev.osimg.osimage.Payload;
import dev.osimg.osimage.PayloadInfo;
import dev.osimg.osimage.ProductInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code osimg inspect}: what an OS image holds, read from its manifest and config only. */
@Command(name = "inspect", sortOptions = false,
        description = {"Show an OS image's product info, payloads and digests; with --diff OLD, what an update from OLD costs.",
            "Reads the manifest and config (both digest-checked); payload content is not read: use verify for that."})
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @CommandLine.Mixin
    RegistryOptionsMixin registry;

    @Parameters(paramLabel = "IMAGE", description = "oci:DIR[:TAG], a layout directory, or HOST[:PORT]/REPO[:TAG][@sha256:HEX].")
    String image;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Option(names = "--diff", paramLabel = "OLD",
            description = {"Show what an update from OLD to IMAGE would fetch: chunks whose hash OLD's config lists count as",
                "local. Reads manifests, configs and seek tables (one Range each), no payload content."})
    String diff;

    @Override
    public Integer call() throws IOException {
        try (RegistryClient client = registry.client()) {
            return run(client);
        }
    }

    private Integer run(RegistryClient client) throws IOException {
        OsImage os = ImageArgument.open(image, client);
        PrintWriter out = spec.commandLine().getOut();
        if (diff != null) {
            OsImage old = ImageArgument.open(diff, client);
            DeltaPlan plan = DeltaPlanner.estimate(os, old);
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("old", old.image().location());
                doc.put("old_manifest_digest", old.image().manifestDigest().toString());
                doc.put("new", os.image().location());
                doc.put("new_manifest_digest", os.image().manifestDigest().toString());
                doc.put("plan", DeltaReport.toJson(plan));
                JsonOutput.print(out, doc);
            } else {
                out.printf("Update %s -> %s (chunks listed in the old config count as local):%n", old.image().location(),
                        os.image().location());
                DeltaReport.print(out, plan);
            }
            return ExitCodes.OK;
        }
        if (json) {
            JsonOutput.print(out, toJson(os));
            return ExitCodes.OK;
        }
        ProductInfo p = os.productInfo();
        out.printf("Image:     %s%n", os.image().location());
        out.printf("Manifest:  %s%n", os.image().manifestDigest());
        out.printf("Config:    %s%n", os.configDigest());
        out.printf("Product:   %s%n", describeProduct(p));
        if (!p.commitHash().isEmpty() || !p.commitDate().isEmpty() || p.buildTreeDirty()) {
            out.printf("Commit:    %s%s%s%n", p.commitHash(), p.commitDate().isEmpty() ? "" : " (" + p.commitDate() + ")",
                    p.buildTreeDirty() ? ", tree dirty" : "");
        }
        for (var c : p.components()) {
            out.printf("Component: %s %s%n", c.id(), c.version());
        }
        out.println("Payloads:");
        out.printf("  %-16s %11s %11s  %-24s %7s  %s%n", "NAME", "SIZE", "STORED", "MEDIA TYPE", "CHUNKS", "DIGEST");
        for (Payload payload : os.payloads()) {
            PayloadInfo info = payload.info();
            out.printf("  %-16s %11s %11s  %-24s %7d  %s%n", info.name(), Sizes.bytes(info.size()),
                    Sizes.bytes(payload.layer().size()), payload.layer().mediaType(), info.chunkHashes().size(),
                    payload.layer().digest());
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static String describeProduct(ProductInfo p) {
        List<String> parts = new ArrayList<>();
        if (!p.name().isEmpty()) {
            parts.add(p.name());
        }
        if (!p.id().isEmpty()) {
            parts.add("(id " + p.id() + ")");
        }
        if (!p.version().isEmpty()) {
            parts.add("version " + p.version());
        }
        if (!p.variant().isEmpty()) {
            parts.add("variant " + p.variant());
        }
        return parts.isEmpty() ? "(no product info)" : String.join(" ", parts);
    }

    static Map<String, Object> toJson(OsImage os) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("location", os.image().location());
        doc.put("manifest_digest", os.image().manifestDigest().toString());
        doc.put("config_digest", os.configDigest().toString());
        doc.put("product_info", os.productInfo());
        List<Map<String, Object>> payloads = new ArrayList<>();
        for (Payload payload : os.payloads()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("name", payload.name());
            p.put("size", payload.size());
            p.put("stored_size", payload.layer().size());
            p.put("media_type", payload.layer().mediaType());
            p.put("digest", payload.layer().digest().toString());
            p.put("hash_chunk_size", payload.info().hashChunkSize());
            p.put("chunks", payload.info().chunkHashes().size());
            payloads.add(p);
        }
        doc.put("payloads", payloads);
        return doc;
    }
}
