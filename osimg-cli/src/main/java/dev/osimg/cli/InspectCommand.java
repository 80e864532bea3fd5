package dev.osimg.cli;

import dev.osimg.digest.Digest;
import dev.osimg.oci.ImageReference;
import dev.osimg.oci.MediaTypes;
import dev.osimg.oci.OciLayout;
import dev.osimg.osimage.OsImage;
import dev.osimg.transfer.ImageSources;
import java.nio.charset.StandardCharsets;
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
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code osimg inspect}: what an OS image holds, read from its manifest and config only. */
@Command(name = "inspect", sortOptions = false,
        description = {"Show an OS image's product info, payloads and digests.",
            "",
            "Reads the manifest and the config (both checked against their digests); payload content is not "
                    + "read: use verify for that. --raw and --config print the manifest or the config exactly as stored; "
                    + "--diff OLD shows what an update from OLD would fetch."})
final class InspectCommand implements Callable<Integer>, UnusedRegistryOptions {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @CommandLine.Mixin
    RegistryOptionsMixin registry;

    @Parameters(paramLabel = "IMAGE", description = "oci:DIR[:TAG], a layout directory, or HOST[:PORT]/REPO[:TAG][@sha256:HEX].")
    String image;

    @CommandLine.Mixin
    OutputOptions output;

    @ArgGroup(exclusive = true)
    Raw raw;

    /** Which stored document to print as it is, instead of the summary. */
    static final class Raw {
        @Option(names = "--raw", description = "Print the manifest exactly as stored.")
        boolean manifest;

        @Option(names = "--config", description = "Print the config exactly as stored.")
        boolean config;
    }

    @Option(names = "--diff", paramLabel = "OLD",
            description = "Show what an update from OLD to IMAGE would fetch: chunks whose hash OLD's config lists count as "
                    + "local. Reads manifests, configs and seek tables (one Range each), no payload content.")
    String diff;

    @CommandLine.Mixin
    ProfileOption profile;

    @Override
    public java.util.List<String> unusedRegistryOptions() {
        return NO_TRANSFERS;
    }

    @Override
    public Integer call() throws IOException {
        try (RegistryClient client = registry.client()) {
            return run(client);
        }
    }

    private Integer run(RegistryClient client) throws IOException {
        ImageReference reference = ImageReference.parse(image);
        OsImage os = OsImage.read(ImageSources.open(reference, client));
        PrintWriter out = spec.commandLine().getOut();
        if (raw != null) {
            byte[] bytes = raw.manifest ? os.image().manifestBytes() : os.configBytes();
            out.print(new String(bytes, StandardCharsets.UTF_8));
            out.flush();
            return ExitCodes.OK;
        }
        if (diff != null) {
            OsImage old = ImageArgument.open(diff, client);
            DeltaPlan plan = DeltaPlanner.estimate(os, old);
            if (output.json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("old", old.image().location());
                doc.put("old_digest", old.image().manifestDigest().toString());
                doc.put("new", os.image().location());
                doc.put("new_digest", os.image().manifestDigest().toString());
                doc.put("plan", DeltaReport.toJson(plan));
                JsonOutput.print(out, doc);
            } else {
                out.printf("Update %s -> %s (chunks listed in the old config count as local):%n", old.image().location(),
                        os.image().location());
                DeltaReport.print(out, plan);
            }
            return ExitCodes.OK;
        }
        List<String> tags = tags(reference, os);
        ProfileOption.Choice install = profile.resolve();
        if (output.json) {
            Map<String, Object> doc = toJson(os, tags);
            doc.put("install_profile", install.profile().key());
            JsonOutput.print(out, doc);
            return ExitCodes.OK;
        }
        if (output.quiet) {
            out.println(os.image().manifestDigest());
            out.flush();
            return ExitCodes.OK;
        }
        ProductInfo p = os.productInfo();
        out.printf("Image:     %s%n", os.image().location());
        out.printf("Manifest:  %s%n", os.image().manifestDigest());
        if (!tags.isEmpty()) {
            out.printf("Tags:      %s%n", String.join(", ", tags));
        }
        String created = created(os);
        if (created != null) {
            out.printf("Created:   %s%n", created);
        }
        out.printf("Config:    %s%n", os.configDigest());
        out.printf("Profile:   %s (%s): installs as %s%n", install.profile().key(), install.source(),
                String.join(", ", java.util.Arrays.stream(dev.osimg.install.PartitionRole.values())
                        .map(r -> install.profile().partition(r).label()).toList()));
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

    /** The tags naming this manifest: every tag of it in a layout's index, or the tag a registry reference gave. */
    private static List<String> tags(ImageReference reference, OsImage os) throws IOException {
        if (reference instanceof ImageReference.Layout layout) {
            Digest digest = os.image().manifestDigest();
            return OciLayout.open(layout.dir()).index().manifests().stream()
                    .filter(d -> d.digest().equals(digest))
                    .map(d -> d.annotation(MediaTypes.REF_NAME_ANNOTATION))
                    .filter(t -> t != null)
                    .sorted()
                    .toList();
        }
        ImageReference.Registry registry = (ImageReference.Registry) reference;
        return registry.tag() == null ? List.of() : List.of(registry.tag());
    }

    /** When the image was made: the manifest's org.opencontainers.image.created annotation, if it has one. */
    private static String created(OsImage os) {
        return os.image().manifest().annotations().get("org.opencontainers.image.created");
    }

    static Map<String, Object> toJson(OsImage os, List<String> tags) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("image", os.image().location());
        doc.put("digest", os.image().manifestDigest().toString());
        doc.put("tags", tags);
        doc.put("media_type", os.image().manifest().mediaType());
        doc.put("artifact_type", os.image().manifest().artifactType());
        doc.put("created", created(os));
        doc.put("config_digest", os.configDigest().toString());
        doc.put("format_version", os.config().formatVersion());
        doc.put("product_info", os.productInfo());
        doc.put("components", os.productInfo().components());
        doc.put("annotations", os.image().manifest().annotations());
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
