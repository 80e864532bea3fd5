package dev.osimg.launch;

import dev.osimg.install.InstallOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * How to launch: how many VMs and their size, networking, TPM, node parameters, where the disks go, and when
 * the launch is over.
 *
 * @param nodes          how many VMs (a cluster on one private network when more than one)
 * @param memoryMiB      memory of each VM in MiB
 * @param cpus           virtual CPUs of each VM
 * @param diskSize       size of each (sparse) disk in bytes; empty: 5 GiB, or what the partitions need if more
 * @param publish        host ports forwarded to the guest (one VM only)
 * @param tpm            whether each VM gets a TPM 2.0 (swtpm)
 * @param nodeParameters a file passed on the ESP and through fw_cfg
 * @param keep           a directory that keeps the disks and variable stores after the launch; empty: a private
 *                       temporary directory under {@code workParent}, deleted afterwards
 * @param workParent     where the private work directory is made (same filesystem as the image: reflinks)
 * @param qemuArgs       extra QEMU arguments, after osimg's
 * @param expect         the launch succeeds once a serial line of every VM matches this
 * @param timeout        the launch fails when it runs longer than this
 * @param accelerator    KVM or TCG; empty: KVM when it works here, else TCG
 * @param noReboot       a guest reboot stops its VM
 * @param install        how disks are laid out (the install defaults; node parameters come from {@code nodeParameters})
 */
public record LaunchOptions(int nodes, int memoryMiB, int cpus, OptionalLong diskSize, List<PortForward> publish, boolean tpm,
                            Optional<Path> nodeParameters, Optional<Path> keep, Path workParent, List<String> qemuArgs,
                            Optional<Pattern> expect, Optional<Duration> timeout, Optional<Accelerator> accelerator,
                            boolean noReboot, InstallOptions install) {
    /** The disk size when none is given: the reference launcher's. */
    public static final long DEFAULT_DISK_SIZE = 5L << 30;
    /** The most VMs one launch starts. */
    public static final int MAX_NODES = 99;

    public LaunchOptions {
        publish = List.copyOf(publish);
        qemuArgs = List.copyOf(qemuArgs);
        if (nodes < 1 || nodes > MAX_NODES) {
            throw new IllegalArgumentException("--nodes " + nodes + ": between 1 and " + MAX_NODES);
        }
        if (memoryMiB < 16) {
            throw new IllegalArgumentException("--memory " + memoryMiB + " MiB: too small for UEFI firmware (at least 16)");
        }
        if (cpus < 1) {
            throw new IllegalArgumentException("--cpus " + cpus + ": at least 1");
        }
        if (nodes > 1 && !publish.isEmpty()) {
            throw new IllegalArgumentException("--publish needs a single VM: the VMs of a cluster (--nodes " + nodes
                    + ") share one private network without host access");
        }
        if (timeout.isPresent() && (timeout.get().isNegative() || timeout.get().isZero())) {
            throw new IllegalArgumentException("--timeout must be positive");
        }
    }

    /** A builder starting from the defaults: one VM, 1024 MiB, 1 CPU, 5 GiB disk, KVM when it works. */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects launch options; {@link #build()} checks them. */
    public static final class Builder {
        private int nodes = 1;
        private int memoryMiB = 1024;
        private int cpus = 1;
        private OptionalLong diskSize = OptionalLong.empty();
        private final List<PortForward> publish = new ArrayList<>();
        private boolean tpm;
        private Optional<Path> nodeParameters = Optional.empty();
        private Optional<Path> keep = Optional.empty();
        private Path workParent = Path.of(System.getProperty("java.io.tmpdir"));
        private final List<String> qemuArgs = new ArrayList<>();
        private Optional<Pattern> expect = Optional.empty();
        private Optional<Duration> timeout = Optional.empty();
        private Optional<Accelerator> accelerator = Optional.empty();
        private boolean noReboot;
        private InstallOptions install = InstallOptions.defaults();

        private Builder() {
        }

        /** How many VMs. */
        public Builder nodes(int value) {
            nodes = value;
            return this;
        }

        /** Memory of each VM in MiB. */
        public Builder memoryMiB(int value) {
            memoryMiB = value;
            return this;
        }

        /** Virtual CPUs of each VM. */
        public Builder cpus(int value) {
            cpus = value;
            return this;
        }

        /** Size of each disk in bytes. */
        public Builder diskSize(long value) {
            diskSize = OptionalLong.of(value);
            return this;
        }

        /** Adds a host port forward. */
        public Builder publish(PortForward value) {
            publish.add(value);
            return this;
        }

        /** Whether each VM gets a TPM. */
        public Builder tpm(boolean value) {
            tpm = value;
            return this;
        }

        /** The node parameters file. */
        public Builder nodeParameters(Path value) {
            nodeParameters = Optional.of(value);
            return this;
        }

        /** Keep the disks and variable stores in this directory. */
        public Builder keep(Path value) {
            keep = Optional.of(value);
            return this;
        }

        /** Where to make the private work directory. */
        public Builder workParent(Path value) {
            workParent = value;
            return this;
        }

        /** Adds extra QEMU arguments. */
        public Builder qemuArgs(List<String> values) {
            qemuArgs.addAll(values);
            return this;
        }

        /** The serial line pattern that ends the launch successfully. */
        public Builder expect(Pattern value) {
            expect = Optional.of(value);
            return this;
        }

        /** The longest the launch may run. */
        public Builder timeout(Duration value) {
            timeout = Optional.of(value);
            return this;
        }

        /** Forces an accelerator instead of probing. */
        public Builder accelerator(Accelerator value) {
            accelerator = Optional.of(value);
            return this;
        }

        /** Whether a guest reboot stops its VM. */
        public Builder noReboot(boolean value) {
            noReboot = value;
            return this;
        }

        /** How disks are laid out (loader, partition sizes, labels). */
        public Builder install(InstallOptions value) {
            install = value;
            return this;
        }

        /** The checked options. */
        public LaunchOptions build() {
            return new LaunchOptions(nodes, memoryMiB, cpus, diskSize, publish, tpm, nodeParameters, keep, workParent, qemuArgs,
                    expect, timeout, accelerator, noReboot, install);
        }
    }
}
