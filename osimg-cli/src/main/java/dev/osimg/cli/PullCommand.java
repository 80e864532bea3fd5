package dev.osimg.cli;

import dev.osimg.oci.ImageReference;
import dev.osimg.osimage.OsImageBuilder;
import dev.osimg.registry.RegistryClient;
import dev.osimg.transfer.DeltaListener;
import dev.osimg.transfer.DeltaPlan;
import dev.osimg.transfer.DeltaPull;
import dev.osimg.transfer.LocalChunks;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
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

/** {@code osimg pull}: Pull an image from a registry into a layout directory, verified before it appears (osimg copy REF DIR). */
@Command(name = "pull", sortOptions = false,
        description = {"Pull an image from a registry into a layout directory, verified before it appears (osimg copy REF DIR).",
            "Blobs move --jobs at a time and are verified against their digests; an OS image pulled into a layout",
            "is also verified chunk by chunk. A failed or interrupted transfer leaves nothing that looks complete.",
            "Prints the manifest digest."})
final class PullCommand implements Callable<Integer> {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Parameters(index = "0", paramLabel = "REF", description = "HOST[:PORT]/REPO[:TAG][@sha256:HEX].")
    String source;

    @Parameters(index = "1", paramLabel = "DIR", description = "Layout directory: new (created by rename when complete), empty, or an existing layout.")
    String destination;

    @CommandLine.Mixin
    RegistryOptionsMixin registry;

    @CommandLine.Mixin
    SignatureOptionsMixin signatures;

    @Option(names = "--skip-signatures", description = "Leave the image's signatures behind (by default they are copied along).")
    boolean skipSignatures;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Option(names = "--reuse", paramLabel = "OLD_LAYOUT",
            description = {"Delta pull: take every chunk (or seekable zstd frame) that this layout already holds, read and",
                "hashed here, and fetch only the others with HTTP Range. Each assembled blob is checked against its",
                "digest before it appears. Repeatable."})
    List<Path> reuse;

    @Override
    public Integer call() throws IOException {
        if (reuse != null && !reuse.isEmpty()) {
            return deltaPull();
        }
        // A plain path here is always a layout directory, even one that looks like HOST/REPO.
        String layout = destination.startsWith("oci:") ? destination : "oci:" + destination;
        return CopyRunner.run(spec.commandLine().getOut(), source, layout, registry, signatures, skipSignatures, json, quiet);
    }

    private int deltaPull() throws IOException {
        ImageReference from = ImageReference.parse(source);
        if (!(from instanceof ImageReference.Registry registryRef)) {
            throw new IllegalArgumentException("--reuse pulls from a registry; " + source + " is a layout (use osimg copy)");
        }
        Path dir = Path.of(destination.startsWith("oci:") ? destination.substring(4) : destination);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long start = System.nanoTime();
        LocalChunks local = new LocalChunks(OsImageBuilder.HASH_CHUNK_SIZE);
        for (Path old : reuse) {
            local.addLayout(old);
        }
        List<String> fallbacks = new ArrayList<>();
        DeltaListener listener = new DeltaListener() {
            @Override
            public void planned(DeltaPlan plan) {
                if (!json) {
                    out.printf("Plan for %s (local data: %s read and hashed):%n", from, Sizes.bytes(local.bytesRead()));
                    local.notes().forEach(note -> out.println("  note: " + note));
                    DeltaReport.print(out, plan);
                }
            }

            @Override
            public void fallback(String payload, String reason) {
                fallbacks.add(payload + ": " + reason);
                err.println("osimg: payload \"" + payload + "\": " + reason + "; fetching the whole blob instead");
                err.flush();
            }
        };
        try (RegistryClient client = registry.client()) {
            DeltaPull.Result result = new DeltaPull(registry.jobs, listener).pull(client.open(registryRef), dir, registryRef.tag(), local);
            long nanos = System.nanoTime() - start;
            long fetched = result.plan().metadataBytes() + result.payloadBytesFetched();
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("source", from.toString());
                doc.put("destination", "oci:" + dir);
                doc.put("digest", result.manifest().digest().toString());
                doc.put("plan", DeltaReport.toJson(result.plan()));
                doc.put("bytes_fetched", fetched);
                doc.put("local_bytes_read", local.bytesRead());
                doc.put("fallbacks", fallbacks);
                doc.put("seconds", nanos / 1e9);
                JsonOutput.print(out, doc);
            } else {
                out.printf("Pulled %s -> oci:%s: fetched %s in %s%n", from, dir, Sizes.bytes(fetched), Sizes.seconds(nanos));
                out.printf("Digest: %s%n", result.manifest().digest());
                out.flush();
            }
            return ExitCodes.OK;
        }
    }
}
