package dev.osimg.launch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The QEMU command line of one VM, as SPEC §6 gives the reference launcher's: firmware code read-only and a
 * private variable store as pflash, the disk as virtio raw {@code cache=unsafe}, virtio-rng, a virtio NIC,
 * an optional TPM, node parameters through fw_cfg, the serial console on stdio.
 *
 * @param qemu        the emulator
 * @param arch        the guest architecture
 * @param accelerator KVM or TCG
 * @param firmware    the firmware (its code is used)
 * @param vars        this VM's variable store
 * @param disk        this VM's disk image
 * @param memoryMiB   memory in MiB
 * @param cpus        virtual CPUs
 * @param network     the NIC's network
 * @param tpmSocket   the swtpm control socket, when the VM has a TPM
 * @param parameters  node parameters for fw_cfg, when given
 * @param noReboot    whether a guest reboot stops the VM instead
 * @param extra       more arguments, appended last
 */
record QemuCommand(Path qemu, Architecture arch, Accelerator accelerator, Firmware firmware, Path vars, Path disk,
                   int memoryMiB, int cpus, Network network, Optional<Path> tpmSocket, Optional<Path> parameters,
                   boolean noReboot, List<String> extra) {
    /** The fw_cfg name the OS reads its parameters from ({@code /sys/firmware/qemu_fw_cfg/by_name/...}). */
    static final String PARAMETERS_FW_CFG = "dev.monogon.metropolis/parameters.pb";

    /** The network of a VM's one NIC. */
    sealed interface Network {
        /** The NIC's MAC address. */
        String mac();

        /** QEMU user networking (NAT to the host's network) with host port forwards. */
        record User(String mac, List<PortForward> forwards) implements Network {
        }

        /** A private segment shared by the VMs of a cluster through a multicast group on the loopback interface. */
        record Multicast(String mac, String group, int port) implements Network {
        }
    }

    /** The program and its arguments. */
    List<String> argv() {
        List<String> a = new ArrayList<>(List.of(qemu.toString(), "-machine", arch.machine(), "-accel", accelerator.qemuName()));
        a.addAll(accelerator.cpuArguments());
        a.addAll(List.of("-display", "none", "-nodefaults", "-m", memoryMiB + "M", "-smp", Integer.toString(cpus),
                "-drive", "if=pflash,format=raw,readonly=on,file=" + escape(firmware.code()),
                "-drive", "if=pflash,format=raw,file=" + escape(vars),
                "-drive", "if=virtio,format=raw,cache=unsafe,file=" + escape(disk)));
        switch (network) {
            case Network.User u -> {
                StringBuilder netdev = new StringBuilder("user,id=net0");
                u.forwards().forEach(f -> netdev.append(",hostfwd=").append(f.hostfwd()));
                a.addAll(List.of("-netdev", netdev.toString()));
            }
            case Network.Multicast m ->
                a.addAll(List.of("-netdev", "socket,id=net0,mcast=" + m.group() + ":" + m.port() + ",localaddr=127.0.0.1"));
        }
        a.addAll(List.of("-device", "virtio-net-pci,netdev=net0,mac=" + network.mac(), "-device", "virtio-rng-pci"));
        tpmSocket.ifPresent(s -> a.addAll(List.of("-chardev", "socket,id=tpmchr,path=" + escape(s),
                "-tpmdev", "emulator,id=tpm0,chardev=tpmchr", "-device", arch.tpmDevice() + ",tpmdev=tpm0")));
        parameters.ifPresent(p -> a.addAll(List.of("-fw_cfg", "name=" + PARAMETERS_FW_CFG + ",file=" + escape(p))));
        a.addAll(List.of("-serial", "stdio"));
        if (noReboot) {
            a.add("-no-reboot");
        }
        a.addAll(extra);
        return List.copyOf(a);
    }

    /** QEMU option values separate keys with commas; a comma inside a value is written twice. */
    private static String escape(Path path) {
        return path.toAbsolutePath().toString().replace(",", ",,");
    }
}
