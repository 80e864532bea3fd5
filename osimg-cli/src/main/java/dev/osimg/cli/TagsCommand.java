package dev.osimg.cli;

import dev.osimg.oci.ImageReference;
import dev.osimg.registry.RegistryClient;
import dev.osimg.registry.RegistryRepository;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code osimg tags}: the tags of a registry repository. */
@Command(name = "tags", sortOptions = false,
        description = {"List the tags of a registry repository.",
            "",
            "Asks the registry for the tags of REPOSITORY, page by page as the registry hands them out, and prints "
                    + "one tag per line."})
final class TagsCommand implements Callable<Integer>, UnusedRegistryOptions {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Parameters(paramLabel = "REPOSITORY", description = "HOST[:PORT]/REPO (a tag or digest after it is ignored).")
    String repository;

    @CommandLine.Mixin
    RegistryOptionsMixin registry;

    @CommandLine.Mixin
    OutputOptions output;

    @Override
    public java.util.List<String> unusedRegistryOptions() {
        return NO_TRANSFERS;
    }

    @Override
    public Integer call() throws IOException {
        ImageReference.Registry ref = RegistryReferences.parse(repository, "tags");
        try (RegistryClient client = registry.client()) {
            RegistryRepository repo = client.repository(ref.host(), ref.repository());
            List<String> tags = repo.tags();
            PrintWriter out = spec.commandLine().getOut();
            if (output.json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("repository", ref.host() + "/" + ref.repository());
                doc.put("tags", tags);
                JsonOutput.print(out, doc);
            } else {
                tags.forEach(out::println);
                out.flush();
            }
            return ExitCodes.OK;
        }
    }
}
