package dev.osimg.cli;

import dev.osimg.digest.Digest;
import dev.osimg.oci.ImageReference;
import dev.osimg.registry.RegistryClient;
import dev.osimg.registry.RegistryRepository;
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

/** {@code osimg delete}: a manifest from a registry. */
@Command(name = "delete", sortOptions = false,
        description = {"Delete an image's manifest from a registry.",
            "",
            "A tag is first resolved to its manifest digest; the registry then deletes the manifest and every tag "
                    + "naming it (registries delete by digest). Blobs stay until the registry collects garbage. "
                    + "Registries may refuse deletes: the distribution registry allows them with storage.delete.enabled.",
            "",
            "Prints the deleted digest."})
final class DeleteCommand implements Callable<Integer>, UnusedRegistryOptions {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Parameters(paramLabel = "REFERENCE", description = "HOST[:PORT]/REPO:TAG or HOST[:PORT]/REPO@sha256:HEX.")
    String reference;

    @CommandLine.Mixin
    RegistryOptionsMixin registry;

    @CommandLine.Mixin
    OutputOptions output;

    @Override
    public java.util.List<String> unusedRegistryOptions() {
        return NEITHER;
    }

    @Override
    public Integer call() throws IOException {
        ImageReference.Registry ref = RegistryReferences.parse(reference, "delete");
        if (ref.digest() == null && ref.tag() == null) {
            throw new IllegalArgumentException(reference + ": name the image to delete with :TAG or @sha256:HEX");
        }
        try (RegistryClient client = registry.client()) {
            RegistryRepository repo = client.repository(ref.host(), ref.repository());
            Digest digest = ref.digest() != null ? ref.digest() : repo.getManifest(ref.tag()).digest();
            repo.deleteManifest(digest);
            PrintWriter out = spec.commandLine().getOut();
            if (output.json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("image", ref.toString());
                doc.put("digest", digest.toString());
                JsonOutput.print(out, doc);
            } else if (output.quiet) {
                out.println(digest);
            } else {
                out.printf("Deleted %s (%s)%n", ref, digest);
            }
            out.flush();
            return ExitCodes.OK;
        }
    }
}
