package dev.osimg.launch;

import dev.osimg.install.DiskInstaller;
import dev.osimg.install.InstallOptions;
import dev.osimg.install.InstallPlan;
import dev.osimg.install.PartitionRole;
import dev.osimg.install.PartitionSpec;
import dev.osimg.osimage.OsImage;
import dev.osimg.osimage.OsImageFormatException;
import dev.osimg.osimage.Payload;
import dev.osimg.linux.TemporaryFiles;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Boots an OS image in QEMU with UEFI firmware: checks everything it needs first, builds each VM's disk from
 * the image into a private work directory, starts the VMs, follows their serial consoles until the expected
 * line, the VMs' own exit or the timeout, and stops every process it started on every path out, a
 * {@code SIGINT} or {@code SIGTERM} of the JVM included.
 */
public final class Launcher {
    private static final long MIB = 1 << 20;
    /** Space each VM's disk may grow by while it runs, on top of what building it writes. */
    private static final long GUEST_WRITE_ALLOWANCE = 64 * MIB;

    private final OsImage image;
    private final LaunchOptions options;
    private final Host host;
    private final LaunchListener listener;
    private final LinkedBlockingQueue<VmNode.Event> events = new LinkedBlockingQueue<>();
    private final List<VmNode> nodes = new ArrayList<>();
    private final Object lock = new Object();
    /** Work directories are named this, followed by a random part. */
    public static final String WORK_DIR_PREFIX = "osimg-launch-";
    /** The file in a work directory naming the process that owns it (see {@link TemporaryFiles#ownerStamp}). */
    public static final String OWNER_FILE = ".osimg-owner";

    private Path workDir;
    private boolean closed;

    private Launcher(OsImage image, LaunchOptions options, Host host, LaunchListener listener) {
        this.image = image;
        this.options = options;
        this.host = host;
        this.listener = listener;
    }

    /** Launches {@code image} as {@code options} say and returns how it ended; never leaves a VM running. */
    public static LaunchResult launch(OsImage image, LaunchOptions options, Host host, LaunchListener listener)
            throws IOException, InterruptedException {
        return new Launcher(image, options, host, listener).run();
    }

    private LaunchResult run() throws IOException, InterruptedException {
        long origin = System.nanoTime();
        Architecture arch = Architecture.of(image);
        Payload kernel = requirePayload(InstallPlan.KERNEL_PAYLOAD, "the UEFI program the VM boots");
        Payload system = requirePayload(InstallPlan.SYSTEM_PAYLOAD, "the root filesystem written to system slot A");
        Path qemu = host.program(arch.qemuBinary(), arch.qemuPackage(), "it runs " + arch.variantName() + " VMs");
        Firmware firmware = Firmware.find(arch, host.root());
        Optional<Path> swtpm = options.tpm() ? Optional.of(host.program("swtpm", "swtpm swtpm-tools", "--tpm needs it"))
                : Optional.empty();
        Optional<Path> parameters = options.nodeParameters();
        if (parameters.isPresent() && !(Files.isRegularFile(parameters.get()) && Files.isReadable(parameters.get()))) {
            throw new NoSuchFileException(parameters.get().toString(), null, "node parameters (--node-parameters) is not a readable file");
        }
        for (PortForward f : options.publish()) {
            f.checkFree();
        }
        InstallOptions install = installOptions(system);
        long diskSize = options.diskSize().orElse(Math.max(LaunchOptions.DEFAULT_DISK_SIZE,
                InstallPlan.requiredSize(install, DiskInstaller.IMAGE_BLOCK_SIZE)));
        boolean clonePayloads = !kernel.compressed() && !system.compressed()
                && kernel.unverified().localFile().isPresent() && system.unverified().localFile().isPresent();

        Path where = options.keep().orElse(options.workParent());
        checkSpace(where, kernel, system, clonePayloads);
        workDir = createWorkDir();
        Thread hook = new Thread(this::close, "osimg-launch-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(options.nodes() + 1, 8), r -> {
            Thread t = new Thread(r, "osimg-launch-build");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<Optional<String>> kvmProblem = options.accelerator().isPresent() ? null
                    : pool.submit(() -> AcceleratorProbe.kvmProblem(qemu, arch, workDir));
            List<Path> dirs = new ArrayList<>();
            for (int i = 1; i <= options.nodes(); i++) {
                dirs.add(options.nodes() == 1 ? workDir : Files.createDirectories(workDir.resolve("node" + NodeResult.label(i))));
            }
            List<Future<?>> vars = new ArrayList<>();
            for (Path dir : dirs) {
                vars.add(pool.submit(() -> {
                    LaunchDisks.copySparse(firmware.varsTemplate(), dir.resolve(firmware.varsTemplate().getFileName()));
                    return null;
                }));
            }
            long[] diskReady = LaunchDisks.build(image, install, diskSize, dirs.stream().map(d -> d.resolve("disk.img")).toList(),
                    clonePayloads, pool);
            LaunchDisks.await(vars);
            long disksBuilt = System.nanoTime();
            Optional<String> problem = Optional.empty();
            Accelerator accelerator;
            if (kvmProblem == null) {
                accelerator = options.accelerator().get();
            } else {
                problem = LaunchDisks.awaitValue(kvmProblem);
                accelerator = problem.isEmpty() ? Accelerator.KVM : Accelerator.TCG;
                problem.ifPresent(p -> listener.notice("KVM is not usable here: " + p + "; using TCG software emulation"
                        + " (-cpu max), which is much slower"));
            }
            listener.starting(accelerator, disksBuilt - origin);
            startNodes(arch, qemu, firmware, accelerator, swtpm, dirs, diskReady);
            LaunchResult.Outcome outcome = await(origin);
            List<NodeResult> results = stopAndReport(origin);
            return new LaunchResult(outcome, accelerator, problem, disksBuilt - origin, results, options.keep(),
                    System.nanoTime() - origin);
        } finally {
            pool.shutdownNow();
            close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is exiting: the hook runs (or ran) close(), which is idempotent.
            }
        }
    }

    private Payload requirePayload(String name, String what) throws OsImageFormatException {
        for (Payload p : image.payloads()) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new OsImageFormatException(image.image().location() + " has no payload \"" + name + "\" (" + what
                + "); it has " + image.payloads().stream().map(p -> "\"" + p.name() + "\"").toList()
                + ", so it cannot be launched");
    }

    /** The launch's install options: node parameters on the ESP, and a system slot large enough for the payload. */
    private InstallOptions installOptions(Payload system) {
        InstallOptions install = options.install().withNodeParameters(options.nodeParameters());
        long needMiB = (system.size() + MIB - 1) / MIB;
        for (PartitionRole role : List.of(PartitionRole.SYSTEM_A, PartitionRole.SYSTEM_B)) {
            PartitionSpec spec = install.partition(role);
            if (spec.sizeMiB() < needMiB) {
                install = install.withPartition(role, new PartitionSpec(spec.label(), spec.type(), needMiB));
            }
        }
        return install;
    }

    /**
     * Refuses a work directory whose filesystem cannot hold the disks: what building them writes (nothing for a
     * payload that is reflinked), the variable stores, and room for the guests' own writes.
     */
    private void checkSpace(Path where, Payload kernel, Payload system, boolean clonePayloads) throws IOException {
        Path existing = where.toAbsolutePath();
        while (!Files.exists(existing)) {
            existing = existing.getParent();
        }
        boolean reflinks = clonePayloads && reflinks(system.unverified().localFile().get(), existing);
        long perNode = kernel.size() + options.nodeParameters().map(Launcher::sizeOf).orElse(0L) + MIB
                + (reflinks ? 0 : system.size()) + GUEST_WRITE_ALLOWANCE;
        long loader = options.install().loader().map(Launcher::sizeOf).orElse(0L);
        long needed = options.nodes() * (perNode + loader);
        long free = Files.getFileStore(existing).getUsableSpace();
        if (free < needed) {
            throw new LaunchException("the work directory " + where + " is on a filesystem with " + free / MIB + " MiB free; "
                    + options.nodes() + (options.nodes() == 1 ? " VM needs" : " VMs need") + " about " + (needed + MIB - 1) / MIB
                    + " MiB (disk contents" + (reflinks ? ", reflinked payload" : "") + " and " + GUEST_WRITE_ALLOWANCE / MIB
                    + " MiB for the guest's writes each); free some space or choose another directory with --work-dir");
        }
    }

    /**
     * Whether {@code source} is likely to be reflinked into {@code dir}: both on one XFS or btrfs filesystem. Asked of
     * the file system's type rather than by cloning, which would load the native-call layer (hundreds of
     * milliseconds of a launch's start) for an estimate; a wrong guess ends in a clear "no space" error.
     */
    private static boolean reflinks(Path source, Path dir) throws IOException {
        FileStore store = Files.getFileStore(dir);
        return store.equals(Files.getFileStore(source)) && (store.type().equals("xfs") || store.type().equals("btrfs"));
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private Path createWorkDir() throws IOException {
        if (options.keep().isEmpty()) {
            Files.createDirectories(options.workParent());
            // A launch killed by SIGKILL cannot remove its directory (disks included): the next launch does. The owner
            // is written into the directory, not its name, which must stay short for the TPM's socket path.
            TemporaryFiles.sweepOwned(options.workParent(), WORK_DIR_PREFIX + "*", OWNER_FILE);
            Path dir = Files.createTempDirectory(options.workParent(), WORK_DIR_PREFIX);
            Files.writeString(dir.resolve(OWNER_FILE), TemporaryFiles.ownerStamp());
            return dir;
        }
        Path keep = options.keep().get();
        Files.createDirectories(keep);
        try (Stream<Path> entries = Files.list(keep)) {
            if (entries.findAny().isPresent()) {
                throw new DirectoryNotEmptyException(keep + " (--keep) is not empty; name a new or empty directory");
            }
        }
        return keep;
    }

    private void startNodes(Architecture arch, Path qemu, Firmware firmware, Accelerator accelerator, Optional<Path> swtpm,
                            List<Path> dirs, long[] diskReady) throws IOException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        // A group of its own for each cluster, in the administratively scoped range, so clusters do not hear each other.
        String group = "239." + random.nextInt(1, 255) + "." + random.nextInt(256) + "." + random.nextInt(1, 255);
        int port = random.nextInt(20000, 60000);
        for (int i = 0; i < dirs.size(); i++) {
            int number = i + 1;
            Path dir = dirs.get(i);
            String mac = String.format("52:54:00:6f:73:%02x", number);
            QemuCommand.Network network = options.nodes() == 1 ? new QemuCommand.Network.User(mac, options.publish())
                    : new QemuCommand.Network.Multicast(mac, group, port);
            synchronized (lock) {
                if (closed) {
                    throw new LaunchException("the launch was stopped");
                }
                Optional<Swtpm> tpm = swtpm.isPresent() ? Optional.of(Swtpm.start(swtpm.get(), dir.resolve("tpm"))) : Optional.empty();
                QemuCommand command = new QemuCommand(qemu, arch, accelerator, firmware, dir.resolve(firmware.varsTemplate().getFileName()),
                        dir.resolve("disk.img"), options.memoryMiB(), options.cpus(), network, tpm.map(Swtpm::socket),
                        options.nodeParameters(), options.noReboot(), options.qemuArgs());
                VmNode node = new VmNode(number, command, dir.resolve("qemu.log"), tpm, options.expect(), listener, events,
                        diskReady[i]);
                nodes.add(node);
                node.start();
            }
        }
    }

    /** Follows the nodes' events until the launch is over. */
    private LaunchResult.Outcome await(long origin) throws IOException, InterruptedException {
        long deadline = options.timeout().map(t -> origin + t.toNanos()).orElse(Long.MAX_VALUE);
        Set<Integer> matched = new HashSet<>();
        Set<Integer> exited = new HashSet<>();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return LaunchResult.Outcome.TIMED_OUT;
            }
            VmNode.Event event = events.poll(Math.min(left, TimeUnit.HOURS.toNanos(1)), TimeUnit.NANOSECONDS);
            switch (event) {
                case null -> {
                }
                case VmNode.Event.Matched m -> {
                    matched.add(m.node());
                    if (matched.size() == options.nodes()) {
                        return LaunchResult.Outcome.MATCHED;
                    }
                }
                case VmNode.Event.Exited x -> {
                    exited.add(x.node());
                    if (options.expect().isPresent() && !matched.contains(x.node())) {
                        return LaunchResult.Outcome.STOPPED_EARLY;
                    }
                    if (options.expect().isEmpty() && exited.size() == options.nodes()) {
                        return LaunchResult.Outcome.EXITED;
                    }
                }
                case VmNode.Event.Failed f -> throw new LaunchException("node " + NodeResult.label(f.node())
                        + ": reading or showing its serial console failed: " + f.error().getMessage(), f.error());
            }
        }
    }

    private List<NodeResult> stopAndReport(long origin) throws IOException {
        List<VmNode> all;
        synchronized (lock) {
            all = List.copyOf(nodes);
        }
        stop(all);
        List<NodeResult> results = new ArrayList<>();
        for (VmNode n : all) {
            results.add(n.result(origin));
        }
        return results;
    }

    /** Stops every node at once (a cluster goes down together), each QEMU before its TPM. */
    private static void stop(List<VmNode> all) {
        List<Thread> stoppers = new ArrayList<>();
        for (VmNode n : all) {
            stoppers.add(Thread.ofPlatform().daemon().start(n::stop));
        }
        for (Thread t : stoppers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                all.forEach(VmNode::stop);
                return;
            }
        }
    }

    /** Stops everything and removes the work directory unless it is kept; runs once, from the launch or the shutdown hook. */
    private void close() {
        List<VmNode> all;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            all = List.copyOf(nodes);
        }
        stop(all);
        if (workDir != null && options.keep().isEmpty()) {
            deleteTree(workDir);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // A file that cannot be removed (another process made it) stays; the VMs are stopped either way.
        }
    }
}
