package dev.osimg.cli;

import dev.osimg.efi.UefiExecutable;
import dev.osimg.install.InstallPlan;
import dev.osimg.linux.TemporaryFiles;
import dev.osimg.osimage.BuildResult;
import dev.osimg.osimage.Component;
import dev.osimg.osimage.Compression;
import dev.osimg.osimage.LinkMode;
import dev.osimg.osimage.OsImageBuilder;
import dev.osimg.osimage.OsImageFormatException;
import dev.osimg.osimage.PayloadInfo;
import dev.osimg.osimage.ProductInfo;
import dev.osimg.oci.ImageReference;
import dev.osimg.oci.ImageSink;
import dev.osimg.transfer.ImageSources;
import dev.osimg.oci.OciImage;
import dev.osimg.registry.RegistryClient;
import dev.osimg.transfer.ImageCopy;
import dev.osimg.transfer.Images;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code osimg build}: payload files and product info into an OCI layout. */
@Command(name = "build", sortOptions = false,
        description = {
            "Build an OS image from payload files.",
            "",
            "Payloads are stored in the order given. An OS image has kernel.efi (a UEFI executable, checked) "
                    + "and system (the root filesystem image). An uncompressed build with --no-seekable gives the "
                    + "same manifest digest as Metropolis' own image builder for the same payloads and product info.",
            "",
            "Prints the manifest digest."
        })
final class BuildCommand implements Callable<Integer>, UnusedRegistryOptions {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR|REF",
            description = "Layout directory to write: new, empty, or an existing OCI layout (blobs are reused); "
                    + "or a registry reference HOST[:PORT]/REPO[:TAG] (also docker://...) to build and push there.")
    String out;

    @CommandLine.Mixin
    RegistryOptionsMixin registry;

    @Option(names = {"-p", "--payload"}, required = true, paramLabel = "NAME=PATH",
            description = "A payload: its name and the file holding it. Repeat for each payload.")
    List<String> payloads;

    @Option(names = "--product-info", paramLabel = "FILE",
            description = "JSON file with product info (id, name, version, variant, commit_hash, commit_date, "
                    + "build_tree_dirty, components); the flags below override its fields.")
    Path productInfoFile;

    @Option(names = "--id", paramLabel = "ID", description = "Product id.")
    String id;

    @Option(names = "--name", paramLabel = "NAME", description = "Product name.")
    String name;

    @Option(names = "--version", paramLabel = "VERSION", description = "Product version.")
    String version;

    @Option(names = "--variant", paramLabel = "VARIANT", description = "Architecture then -flags, e.g. x86_64 or x86_64-debug.")
    String variant;

    @Option(names = "--commit-hash", paramLabel = "HASH", description = "Source commit the OS was built from.")
    String commitHash;

    @Option(names = "--commit-date", paramLabel = "DATE", description = "Date of that commit.")
    String commitDate;

    @Option(names = "--build-tree-dirty", negatable = true, description = "Whether the source tree had uncommitted changes.")
    Boolean buildTreeDirty;

    @Option(names = "--component", paramLabel = "ID=VERSION", description = "A component and its version. Repeatable.")
    List<String> components;

    @Option(names = "--compression", paramLabel = "none|zstd[:LEVEL]", defaultValue = "zstd:3",
            description = "How payloads are stored (default: ${DEFAULT-VALUE}, seekable). none allows clone-fast installs.")
    String compression;

    @Option(names = "--seekable", negatable = true,
            description = "With zstd (the default): one frame per 1 MiB hash chunk plus a seek table, so that delta updates "
                    + "fetch single chunks; still one zstd stream for any decoder. --no-seekable writes one frame per payload, "
                    + "byte for byte what Metropolis' own image builder writes.")
    Boolean seekable;

    @Option(names = "--link", paramLabel = "copy|hardlink|symlink", defaultValue = "copy",
            description = "With --compression none: copy payloads (a reflink where the filesystem can), "
                    + "or link them (default: ${DEFAULT-VALUE}).")
    String link;

    @Option(names = "--tag", paramLabel = "TAG", description = "Tag the manifest in the layout's index.")
    String tag;

    @Option(names = "--any-payload",
            description = "Accept payload names other than kernel.efi and system, and a kernel.efi that is not a UEFI "
                    + "application: for images osimg does not install or boot.")
    boolean anyPayload;

    @CommandLine.Mixin
    OutputOptions output;

    @Option(names = "--digestfile", paramLabel = "FILE", description = "Also write the manifest digest to FILE.")
    Path digestFile;

    @Override
    public java.util.List<String> unusedRegistryOptions() {
        return WRITES_ONLY;
    }

    @Override
    public Integer call() throws IOException {
        DigestFile.check(digestFile);
        OsImageBuilder builder = new OsImageBuilder()
                .productInfo(productInfo())
                .compression(compression())
                .linkMode(parseLink(link))
                .tag(tag)
                .progress(ConsoleProgress.forTerminal(output.silent()));
        for (String p : payloads) {
            int eq = p.indexOf('=');
            if (eq <= 0 || eq == p.length() - 1) {
                throw new IllegalArgumentException("--payload must be NAME=PATH, got \"" + p + "\"");
            }
            String payloadName = p.substring(0, eq);
            Path file = Path.of(p.substring(eq + 1));
            if (!anyPayload) {
                checkPayload(payloadName, file);
            }
            builder.payload(payloadName, file);
        }
        long start = System.nanoTime();
        ImageReference.Registry pushTo = registryDestination(out);
        if (pushTo == null) {
            BuildResult result = builder.build(Path.of(out));
            report(result, System.nanoTime() - start, null, null);
            return ExitCodes.OK;
        }
        // A registry destination: build into a private temporary layout, push it, drop it. The
        // layout is staged in the user's cache directory, on disk, not in java.io.tmpdir (a small
        // tmpfs on many systems); uncompressed payloads are only linked there, never copied.
        if (compression() instanceof Compression.None) {
            builder.linkMode(LinkMode.SYMLINK);
        }
        Path cache = stagingDirectory();
        Files.createDirectories(cache);
        TemporaryFiles.sweep(cache);
        Path work = TemporaryFiles.createDirectory(cache, "build");
        try (RegistryClient client = registry.client()) {
            BuildResult result = builder.build(work.resolve("layout"));
            OciImage image = ImageSources.open(new ImageReference.Layout(result.layout(), result.tag()), client);
            CommandProgress progress = ConsoleProgress.forTransfer(output.silent());
            ImageCopy.Result pushed;
            try (ImageSink sink = Images.sink(pushTo, client, image, null)) {
                pushed = new ImageCopy(registry.jobs, progress, "push").copy(image, sink);
            }
            DigestFile.write(digestFile, result.manifestDescriptor().digest().toString());
            progress.succeeded();
            report(result, System.nanoTime() - start, pushTo.toString(), pushed);
        } finally {
            TemporaryFiles.delete(work);
        }
        return ExitCodes.OK;
    }

    /** Where a build for a registry is staged: {@code $XDG_CACHE_HOME/osimg}, else {@code ~/.cache/osimg}. */
    private static Path stagingDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("osimg");
    }

    /** An OS image's payloads are kernel.efi, a UEFI application, and system: a typo or a wrong file fails here, not at boot. */
    private static void checkPayload(String name, Path file) throws IOException {
        if (!name.equals(InstallPlan.KERNEL_PAYLOAD) && !name.equals(InstallPlan.SYSTEM_PAYLOAD)) {
            throw new IllegalArgumentException("--payload " + name + "=" + file + ": an OS image has the payloads kernel.efi and "
                    + "system; use --any-payload for other names");
        }
        if (name.equals(InstallPlan.KERNEL_PAYLOAD) && Files.isRegularFile(file)) {
            var problem = UefiExecutable.problem(file);
            if (problem.isPresent()) {
                throw new IllegalArgumentException("--payload kernel.efi=" + file + " is not a UEFI executable: " + problem.get()
                        + " (use --any-payload to store it anyway)");
            }
        }
    }

    /**
     * The registry named by {@code -o}, or null for a layout directory: {@code docker://...}, or a
     * registry-looking reference whose first path component is not an existing directory.
     */
    private static ImageReference.Registry registryDestination(String text) {
        if (!text.startsWith("docker://")) {
            int slash = text.indexOf('/');
            if (slash <= 0 || Files.isDirectory(Path.of(text.substring(0, slash)))) {
                return null;
            }
        }
        return ImageReference.parse(text) instanceof ImageReference.Registry r ? r : null;
    }

    private void report(BuildResult result, long elapsedNanos, String pushedTo, ImageCopy.Result pushed) throws IOException {
        var out = spec.commandLine().getOut();
        String digest = result.manifestDescriptor().digest().toString();
        if (pushedTo == null) {
            DigestFile.write(digestFile, digest);
        }
        long totalSize = result.config().payloads().stream().mapToLong(PayloadInfo::size).sum();
        if (output.json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("image", pushedTo != null ? pushedTo : result.layout().toString());
            doc.put("tags", result.tag() == null ? List.of() : List.of(result.tag()));
            doc.put("digest", digest);
            doc.put("manifest_size", result.manifestDescriptor().size());
            doc.put("config_digest", result.manifest().config().digest().toString());
            List<Map<String, Object>> list = new ArrayList<>();
            for (int i = 0; i < result.config().payloads().size(); i++) {
                PayloadInfo info = result.config().payloads().get(i);
                var layer = result.manifest().layers().get(i);
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("name", info.name());
                p.put("size", info.size());
                p.put("stored_size", layer.size());
                p.put("media_type", layer.mediaType());
                p.put("digest", layer.digest().toString());
                list.add(p);
            }
            doc.put("payloads", list);
            if (pushed != null) {
                doc.put("skipped_blobs", TransferCommand.skippedJson(pushed));
            }
            doc.put("seconds", elapsedNanos / 1e9);
            JsonOutput.print(out, doc);
            return;
        }
        if (output.quiet) {
            out.println(digest);
            out.flush();
            return;
        }
        if (pushedTo != null) {
            out.printf("Built and pushed %s%n", pushedTo);
        } else {
            out.printf("Built %s%s%n", result.layout(), result.tag() == null ? "" : " (tag " + result.tag() + ")");
        }
        for (int i = 0; i < result.config().payloads().size(); i++) {
            PayloadInfo info = result.config().payloads().get(i);
            var layer = result.manifest().layers().get(i);
            out.printf("  payload %-12s %10s -> %10s  %s%n", info.name(), Sizes.bytes(info.size()),
                    Sizes.bytes(layer.size()), layer.digest().toString().substring(0, 19));
        }
        out.printf("Manifest %s%n", result.manifestDescriptor().digest());
        out.printf("%s in %s (%s)%n", Sizes.bytes(totalSize), Sizes.seconds(elapsedNanos), Sizes.rate(totalSize, elapsedNanos));
        out.flush();
    }

    private ProductInfo productInfo() throws IOException {
        ProductInfo base = ProductInfo.EMPTY;
        if (productInfoFile != null) {
            try {
                base = ProductInfo.read(productInfoFile);
            } catch (OsImageFormatException e) {
                throw new IllegalArgumentException("--product-info " + e.getMessage(), e);
            }
        }
        List<Component> comps = base.components();
        if (components != null) {
            comps = new ArrayList<>(comps);
            for (String c : components) {
                int eq = c.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("--component must be ID=VERSION, got \"" + c + "\"");
                }
                comps.add(new Component(c.substring(0, eq), c.substring(eq + 1)));
            }
        }
        return new ProductInfo(
                id != null ? id : base.id(),
                name != null ? name : base.name(),
                version != null ? version : base.version(),
                variant != null ? variant : base.variant(),
                commitHash != null ? commitHash : base.commitHash(),
                commitDate != null ? commitDate : base.commitDate(),
                buildTreeDirty != null ? buildTreeDirty : base.buildTreeDirty(),
                comps);
    }

    private Compression compression() {
        Compression parsed = Compression.parse(compression);
        if (!(parsed instanceof Compression.Zstd zstd)) {
            if (Boolean.TRUE.equals(seekable)) {
                throw new IllegalArgumentException("--seekable needs zstd compression (--compression zstd[:LEVEL]), got \""
                        + compression + "\"");
            }
            return parsed;
        }
        return Boolean.FALSE.equals(seekable) ? zstd : zstd.asSeekable();
    }

    private static LinkMode parseLink(String text) {
        return switch (text) {
            case "copy" -> LinkMode.COPY;
            case "hardlink" -> LinkMode.HARDLINK;
            case "symlink" -> LinkMode.SYMLINK;
            default -> throw new IllegalArgumentException("--link must be copy, hardlink or symlink, got \"" + text + "\"");
        };
    }
}
