package dev.osimg.launch;

import java.util.List;

/** How QEMU runs the guest's CPUs: KVM hardware virtualization, or TCG software emulation. */
public enum Accelerator {
    /** KVM with the host's CPU model. */
    KVM("kvm", List.of("-cpu", "host")),
    /** TCG with every CPU feature QEMU emulates. */
    TCG("tcg", List.of("-cpu", "max"));

    private final String qemuName;
    private final List<String> cpuArguments;

    Accelerator(String qemuName, List<String> cpuArguments) {
        this.qemuName = qemuName;
        this.cpuArguments = cpuArguments;
    }

    /** The name of {@code -accel NAME}. */
    public String qemuName() {
        return qemuName;
    }

    /** The {@code -cpu} arguments that go with it. */
    public List<String> cpuArguments() {
        return cpuArguments;
    }
}
