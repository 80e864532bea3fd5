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
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code osimg pull}: an image from a registry into a layout directory. */
@Command(name = "pull", sortOptions = false,
        description = {"Pull an image from a registry into a layout directory.",
            "",
            "Downloads the manifest and the blobs the layout does not have yet, checks every blob against "
                    + "its digest and an OS image's payloads chunk by chunk, and only then makes the image appear: "
                    + "a new directory is created by a rename when complete, an existing layout gains the image and "
                    + "its tag. The same as osimg copy REFERENCE DIR.",
            "",
            "Prints the manifest digest."})
final class PullCommand extends TransferCommand {
    @Parameters(index = "0", paramLabel = "REFERENCE", description = "HOST[:PORT]/REPO[:TAG][@sha256:HEX] to pull.")
    String source;

    @Parameters(index = "1", paramLabel = "DIR", description = "The layout directory: new, empty, or an existing layout.")
    String destination;

    @CommandLine.Mixin
    SignatureOptionsMixin signatures;

    @Option(names = "--reuse", paramLabel = "OLD_LAYOUT",
            description = "Delta pull: take every chunk (or seekable zstd frame) that this layout already holds, read and "
                    + "hashed here, and fetch only the others with HTTP Range. Each assembled blob is checked against its "
                    + "digest before it appears. Repeatable.")
    List<Path> reuse;

    @Override
    public Integer call() throws IOException {
        if (reuse != null && !reuse.isEmpty()) {
            return deltaPull();
        }
        return super.call();
    }

    @Override
    SignatureOptionsMixin signatureCheck() {
        return signatures;
    }

    @Override
    String source() {
        return source;
    }

    @Override
    String destination() {
        return layout(destination);
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
                if (!output.json) {
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
            if (output.json) {
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
