package dev.osimg.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The QEMU line follows SPEC §6: pflash firmware, virtio disk, rng, NIC, TPM, fw_cfg parameters, serial on stdio. */
class QemuCommandTest {
    private static final Firmware OVMF = new Firmware(Path.of("/fw/CODE.fd"), Path.of("/fw/VARS.fd"));

    @Test
    void singleVmWithEverything() {
        QemuCommand c = new QemuCommand(Path.of("/usr/bin/qemu-system-x86_64"), Architecture.X86_64, Accelerator.TCG, OVMF,
                Path.of("/w/VARS.fd"), Path.of("/w/a,b/disk.img"), 512, 2,
                new QemuCommand.Network.User("52:54:00:6f:73:01", List.of(PortForward.parse("2222:22"), PortForward.parse("0.0.0.0:53:53/udp"))),
                Optional.of(Path.of("/w/tpm/swtpm.sock")), Optional.of(Path.of("/p/params.pb")), true, List.of("-s"));
        assertThat(String.join(" ", c.argv())).isEqualTo("/usr/bin/qemu-system-x86_64 -machine q35 -accel tcg -cpu max"
                + " -display none -nodefaults -m 512M -smp 2"
                + " -drive if=pflash,format=raw,readonly=on,file=/fw/CODE.fd -drive if=pflash,format=raw,file=/w/VARS.fd"
                + " -drive if=virtio,format=raw,cache=unsafe,file=/w/a,,b/disk.img"
                + " -netdev user,id=net0,hostfwd=tcp:127.0.0.1:2222-:22,hostfwd=udp:0.0.0.0:53-:53"
                + " -device virtio-net-pci,netdev=net0,mac=52:54:00:6f:73:01 -device virtio-rng-pci"
                + " -chardev socket,id=tpmchr,path=/w/tpm/swtpm.sock -tpmdev emulator,id=tpm0,chardev=tpmchr -device tpm-tis,tpmdev=tpm0"
                + " -fw_cfg name=dev.monogon.metropolis/parameters.pb,file=/p/params.pb -serial stdio -no-reboot -s");
    }

    @Test
    void clusterNodeUnderKvm() {
        QemuCommand c = new QemuCommand(Path.of("qemu"), Architecture.X86_64, Accelerator.KVM, OVMF, Path.of("/v"),
                Path.of("/d"), 1024, 1, new QemuCommand.Network.Multicast("52:54:00:6f:73:02", "239.1.2.3", 40000),
                Optional.empty(), Optional.empty(), false, List.of());
        assertThat(c.argv()).containsSequence("-accel", "kvm", "-cpu", "host")
                .containsSequence("-netdev", "socket,id=net0,mcast=239.1.2.3:40000,localaddr=127.0.0.1")
                .doesNotContain("-no-reboot", "-fw_cfg", "-tpmdev");
    }

    @Test
    void publishForms() {
        assertThat(PortForward.parse("8080:80")).isEqualTo(new PortForward("127.0.0.1", 8080, 80, false));
        assertThat(PortForward.parse("10.0.0.1:53:5353/UDP")).isEqualTo(new PortForward("10.0.0.1", 53, 5353, true));
        for (String bad : List.of("80", "0:80", "1:70000", "a:b", "8080:80/sctp")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> PortForward.parse(bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--publish " + bad + ":");
        }
    }
}
