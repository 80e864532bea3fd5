package dev.osimg.cli;

import dev.osimg.launch.Accelerator;
import dev.osimg.launch.Host;
import dev.osimg.launch.LaunchListener;
import dev.osimg.launch.LaunchOptions;
import dev.osimg.launch.LaunchResult;
import dev.osimg.launch.Launcher;
import dev.osimg.launch.NodeResult;
import dev.osimg.launch.PortForward;
import dev.osimg.install.InstallOptions;
import dev.osimg.oci.ImageReference;
import dev.osimg.osimage.OsImage;
import dev.osimg.registry.RegistryClient;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code osimg launch}: boots an OS image in QEMU with UEFI firmware, the disk built from the image at launch time. */
@Command(name = "launch", sortOptions = false,
        description = {"Boot an OS image in QEMU with UEFI firmware (OVMF).",
            "",
            "Each VM's disk is built from the image at launch time (a reflink of uncompressed payloads where the "
                    + "filesystem can); the serial console goes to stdout. With --nodes N, N VMs share one private "
                    + "network and their console lines are prefixed 'NN| '. No VM outlives the command: Ctrl-C, SIGTERM, "
                    + "--expect and --timeout stop them all. With --json the serial console goes to stderr and stdout holds "
                    + "only the document (timings, outcome)."})
final class LaunchCommand implements Callable<Integer>, UnusedRegistryOptions {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Parameters(paramLabel = "IMAGE", description = "oci:DIR[:TAG], a layout directory, or a registry reference.")
    String image;

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "1", description = "How many VMs (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--memory", paramLabel = "SIZE", defaultValue = "1024",
            description = "Memory of each VM: MiB, or with a unit (2G) (default: ${DEFAULT-VALUE} MiB).")
    String memory;

    @Option(names = "--cpus", paramLabel = "N", defaultValue = "1", description = "Virtual CPUs of each VM (default: ${DEFAULT-VALUE}).")
    int cpus;

    @Option(names = "--disk-size", paramLabel = "SIZE",
            description = "Size of each sparse disk (default: 5G, more if the partitions need it).")
    String diskSize;

    @Option(names = "--publish", paramLabel = "[ADDR:]HOST:GUEST[/udp]",
            description = "Forward a host port (on 127.0.0.1 unless ADDR) to a guest port. Repeatable; one VM only.")
    List<String> publish = new ArrayList<>();

    @Option(names = "--tpm", description = "Give each VM a TPM 2.0 (swtpm).")
    boolean tpm;

    @Option(names = "--node-parameters", paramLabel = "FILE",
            description = "Pass FILE to the OS on the ESP (metropolis/parameters.pb) and through fw_cfg (dev.monogon.metropolis/parameters.pb).")
    Path nodeParameters;

    @ArgGroup(exclusive = true)
    Boot boot = new Boot();

    /** What the firmware starts: osimg's A/B loader by default, as osimg install does. */
    static final class Boot {
        @Option(names = "--loader", paramLabel = "FILE", description = "Another A/B loader instead of osimg's own (as osimg install --loader).")
        Path loader;

        @Option(names = "--direct-boot", description = "Make kernel.efi itself the firmware's boot program (no A/B loader).")
        boolean directBoot;
    }

    @Option(names = "--keep", paramLabel = "DIR", description = "Build the disks and variable stores in DIR (new or empty) and keep them.")
    Path keep;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Where the private work directory goes (default: $TMPDIR or /tmp); on the image's filesystem, disks are reflinks.")
    Path workDir;

    @Option(names = "--qemu-arg", paramLabel = "ARG", description = "One more QEMU argument, after osimg's. Repeatable.")
    List<String> qemuArgs = new ArrayList<>();

    @Option(names = "--expect", paramLabel = "REGEX",
            description = "Succeed (exit 0, VMs stopped) once a serial line of every VM contains a match of REGEX.")
    String expect;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Fail (exit 1, last serial lines shown) after SECONDS.")
    Double timeout;

    @Option(names = "--accel", paramLabel = "auto|kvm|tcg", defaultValue = "auto",
            description = "KVM, TCG software emulation, or KVM when it works here (default: ${DEFAULT-VALUE}).")
    String accel;

    @Option(names = "--no-reboot", description = "A guest reboot stops its VM.")
    boolean noReboot;

    @CommandLine.Mixin
    OutputOptions output;

    @CommandLine.Mixin
    RegistryOptionsMixin registry;

    @CommandLine.Mixin
    SignatureOptionsMixin signatures;

    @Override
    public java.util.List<String> unusedRegistryOptions() {
        return NO_TRANSFERS;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        LaunchOptions options = options();
        try (RegistryClient client = registry.client()) {
            OsImage os = ImageArgument.open(image, client);
            // Before any disk is built or VM started.
            SignatureCheck.Outcome signature = signatures.check(ImageReference.parse(image), os.image(), client);
            PrintStream console = output.json ? System.err : System.out;
            PrintStream err = System.err;
            if (signature.verified() != null && !output.silent()) {
                err.println("Signature: " + signature.describe());
            }
            LaunchResult result = Launcher.launch(os, options, Host.system(), new ConsoleListener(console, err, nodes > 1, output.silent()));
            console.flush();
            if (output.json) {
                JsonOutput.print(spec.commandLine().getOut(), document(os, result));
            }
            report(result, err);
            return result.succeeded() ? ExitCodes.OK : ExitCodes.FAILURE;
        }
    }

    private LaunchOptions options() {
        LaunchOptions.Builder b = LaunchOptions.builder().nodes(nodes).memoryMiB(memoryMiB()).cpus(cpus).tpm(tpm)
                .noReboot(noReboot).qemuArgs(qemuArgs);
        b.install(InstallOptions.defaults().withLoader(Optional.ofNullable(boot.loader)).withDirectBoot(boot.directBoot));
        if (diskSize != null) {
            b.diskSize(Sizes.parse(diskSize));
        }
        publish.forEach(p -> b.publish(PortForward.parse(p)));
        Optional.ofNullable(nodeParameters).ifPresent(b::nodeParameters);
        Optional.ofNullable(keep).ifPresent(b::keep);
        Optional.ofNullable(workDir).ifPresent(b::workParent);
        if (expect != null) {
            try {
                b.expect(Pattern.compile(expect));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("--expect " + expect + ": not a regular expression: " + e.getDescription());
            }
        }
        if (timeout != null) {
            if (!(timeout > 0) || timeout > 1e9) {
                throw new IllegalArgumentException("--timeout " + timeout + ": a positive number of seconds");
            }
            b.timeout(Duration.ofMillis(Math.round(timeout * 1000)));
        }
        switch (accel.toLowerCase(Locale.ROOT)) {
            case "auto" -> {
            }
            case "kvm" -> b.accelerator(Accelerator.KVM);
            case "tcg" -> b.accelerator(Accelerator.TCG);
            default -> throw new IllegalArgumentException("--accel " + accel + ": auto, kvm or tcg");
        }
        return b.build();
    }

    private int memoryMiB() {
        long mib = memory.matches("\\d+") ? Long.parseLong(memory) : Sizes.parse(memory) >> 20;
        if (mib > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("--memory " + memory + ": too large");
        }
        return (int) mib;
    }

    private void report(LaunchResult result, PrintStream err) {
        String total = Sizes.seconds(result.totalNanos());
        switch (result.outcome()) {
            case MATCHED -> {
                if (!output.silent()) {
                    err.printf("osimg: every VM printed a line matching --expect in %s%s%n", total, timings(result));
                }
            }
            case EXITED -> {
                if (!result.succeeded()) {
                    err.println("osimg: error: " + failedNodes(result));
                    result.nodes().stream().filter(n -> n.exitCode().orElse(0) != 0).forEach(n -> lastLines(n, err));
                } else if (!output.silent()) {
                    err.printf("osimg: %s in %s%n", nodes == 1 ? "the VM stopped" : "every VM stopped", total);
                }
            }
            case STOPPED_EARLY -> {
                NodeResult stopped = result.nodes().stream().filter(n -> n.exitCode().isPresent() && n.matchNanos().isEmpty())
                        .findFirst().orElse(result.nodes().getFirst());
                err.printf("osimg: error: %s stopped (QEMU exit status %d) before a serial line matched --expect '%s'%n",
                        name(stopped), stopped.exitCode().orElse(-1), expect);
                lastLines(stopped, err);
            }
            case TIMED_OUT -> {
                List<NodeResult> waiting = result.nodes().stream().filter(n -> n.matchNanos().isEmpty()).toList();
                err.printf("osimg: error: %s after --timeout %s s%s%n", expect == null ? "stopped the VMs" : "no serial line matched --expect '"
                        + expect + "'", trim(timeout), expect == null || nodes == 1 ? "" : " on "
                        + waiting.stream().map(NodeResult::label).toList());
                waiting.forEach(n -> lastLines(n, err));
            }
        }
        err.flush();
    }

    private String failedNodes(LaunchResult result) {
        List<String> failed = new ArrayList<>();
        for (NodeResult n : result.nodes()) {
            OptionalInt code = n.exitCode();
            if (code.orElse(0) != 0) {
                failed.add(name(n) + " (QEMU exit status " + code.getAsInt() + ")");
            }
        }
        return String.join(", ", failed) + " failed";
    }

    private String name(NodeResult n) {
        return nodes == 1 ? "the VM" : "node " + n.label();
    }

    private static String trim(Double seconds) {
        return seconds == Math.rint(seconds) ? Long.toString(seconds.longValue()) : seconds.toString();
    }

    private void lastLines(NodeResult n, PrintStream err) {
        String prefix = nodes == 1 ? "" : n.label() + "| ";
        if (n.firstSerialNanos().isEmpty()) {
            err.printf("  %s printed nothing on its serial console%n", name(n));
        } else {
            err.printf("  last serial lines of %s:%n", name(n));
            n.lastLines().forEach(l -> err.println("    " + prefix + l));
        }
        if (!n.qemuMessages().isEmpty()) {
            err.println("  QEMU said:");
            n.qemuMessages().forEach(l -> err.println("    " + l));
        }
    }

    private static String timings(LaunchResult result) {
        StringBuilder s = new StringBuilder(" (disks built in " + Sizes.seconds(result.diskBuildNanos()));
        for (NodeResult n : result.nodes()) {
            s.append(result.nodes().size() == 1 ? "; " : "; node " + n.label() + ": ");
            n.firstSerialNanos().ifPresent(t -> s.append("first serial byte at ").append(Sizes.seconds(t)).append(", "));
            n.matchNanos().ifPresent(t -> s.append("match at ").append(Sizes.seconds(t)));
        }
        return s.append(")").toString();
    }

    private Map<String, Object> document(OsImage os, LaunchResult result) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("image", os.image().location());
        doc.put("digest", os.image().manifestDigest().toString());
        doc.put("outcome", result.outcome().name().toLowerCase(Locale.ROOT));
        doc.put("succeeded", result.succeeded());
        doc.put("accelerator", result.accelerator().qemuName());
        result.kvmProblem().ifPresent(p -> doc.put("kvm_problem", p));
        doc.put("disk_build_seconds", result.diskBuildNanos() / 1e9);
        doc.put("seconds", result.totalNanos() / 1e9);
        result.kept().ifPresent(k -> doc.put("kept", k.toAbsolutePath().toString()));
        List<Map<String, Object>> list = new ArrayList<>();
        for (NodeResult n : result.nodes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", n.number());
            m.put("disk_ready_seconds", n.diskReadyNanos() / 1e9);
            m.put("qemu_started_seconds", n.startedNanos() / 1e9);
            m.put("first_serial_byte_seconds", seconds(n.firstSerialNanos()));
            m.put("match_seconds", seconds(n.matchNanos()));
            m.put("exit_code", n.exitCode().isPresent() ? n.exitCode().getAsInt() : null);
            m.put("last_lines", n.lastLines());
            list.add(m);
        }
        doc.put("nodes", list);
        return doc;
    }

    private static Double seconds(OptionalLong nanos) {
        return nanos.isPresent() ? nanos.getAsLong() / 1e9 : null;
    }

    /** Shows serial consoles: one VM's bytes as they come; a cluster's lines prefixed with the node's number. */
    private static final class ConsoleListener implements LaunchListener {
        private final PrintStream console;
        private final PrintStream err;
        private final boolean prefixed;
        private final boolean quiet;

        ConsoleListener(PrintStream console, PrintStream err, boolean prefixed, boolean quiet) {
            this.console = console;
            this.err = err;
            this.prefixed = prefixed;
            this.quiet = quiet;
        }

        @Override
        public void notice(String message) {
            err.println("osimg: " + message);
        }

        @Override
        public void starting(Accelerator accelerator, long disksBuiltNanos) {
            if (!quiet) {
                err.printf("osimg: disks built in %s; starting the VM%s (%s)%n", Sizes.seconds(disksBuiltNanos),
                        prefixed ? "s" : "", accelerator.qemuName().toUpperCase(Locale.ROOT));
            }
        }

        @Override
        public void serialData(int node, byte[] data, int length) {
            if (!prefixed) {
                synchronized (console) {
                    console.write(data, 0, length);
                    console.flush();
                }
            }
        }

        @Override
        public void serialLine(int node, String line) {
            if (prefixed) {
                byte[] bytes = (NodeResult.label(node) + "| " + line + "\n").getBytes(StandardCharsets.UTF_8);
                synchronized (console) {
                    console.write(bytes, 0, bytes.length);
                    console.flush();
                }
            }
        }
    }
}
