package dev.osimg.launch;

import dev.osimg.osimage.OsImage;
import dev.osimg.osimage.OsImageFormatException;
import java.util.List;

/** A guest CPU architecture: which QEMU, machine, firmware and Debian packages boot it. */
public enum Architecture {
    /** x86-64 guests: {@code qemu-system-x86_64 -machine q35} with OVMF. */
    X86_64("x86_64", "amd64", "qemu-system-x86_64", "qemu-system-x86", "q35", "ovmf", "tpm-tis",
            List.of(new Firmware.Candidate("usr/share/OVMF/OVMF_CODE_4M.fd", "usr/share/OVMF/OVMF_VARS_4M.fd"),
                    new Firmware.Candidate("usr/share/OVMF/OVMF_CODE.fd", "usr/share/OVMF/OVMF_VARS.fd"))),
    /** 64-bit Arm guests: {@code qemu-system-aarch64 -machine virt} with AAVMF. */
    AARCH64("aarch64", "aarch64", "qemu-system-aarch64", "qemu-system-arm", "virt", "qemu-efi-aarch64", "tpm-tis-device",
            List.of(new Firmware.Candidate("usr/share/AAVMF/AAVMF_CODE.fd", "usr/share/AAVMF/AAVMF_VARS.fd")));

    private final String variantName;
    private final String javaName;
    private final String qemuBinary;
    private final String qemuPackage;
    private final String machine;
    private final String firmwarePackage;
    private final String tpmDevice;
    private final List<Firmware.Candidate> firmware;

    Architecture(String variantName, String javaName, String qemuBinary, String qemuPackage, String machine,
                 String firmwarePackage, String tpmDevice, List<Firmware.Candidate> firmware) {
        this.variantName = variantName;
        this.javaName = javaName;
        this.qemuBinary = qemuBinary;
        this.qemuPackage = qemuPackage;
        this.machine = machine;
        this.firmwarePackage = firmwarePackage;
        this.tpmDevice = tpmDevice;
        this.firmware = firmware;
    }

    /** The architecture an image's {@code product_info.variant} names; no variant means x86_64. */
    public static Architecture of(OsImage image) throws OsImageFormatException {
        String arch = image.productInfo().architecture();
        for (Architecture a : values()) {
            if (a.variantName.equals(arch) || arch.isEmpty() && a == X86_64) {
                return a;
            }
        }
        throw new OsImageFormatException(image.image().location() + ": product_info.variant \"" + image.productInfo().variant()
                + "\" names architecture \"" + arch + "\", which osimg cannot launch (x86_64 and aarch64 it can)");
    }

    /** Whether this JVM runs on this architecture (KVM can only run guests of the host's own architecture). */
    public boolean isHost() {
        return javaName.equals(System.getProperty("os.arch"));
    }

    /** The name used in image variants ({@code x86_64}). */
    public String variantName() {
        return variantName;
    }

    /** The QEMU system emulator's program name. */
    public String qemuBinary() {
        return qemuBinary;
    }

    /** The Debian package that installs {@link #qemuBinary()}. */
    public String qemuPackage() {
        return qemuPackage;
    }

    /** The QEMU machine type. */
    public String machine() {
        return machine;
    }

    /** The Debian package that installs the UEFI firmware. */
    public String firmwarePackage() {
        return firmwarePackage;
    }

    /** The QEMU device of a TPM 2.0 on this machine type. */
    public String tpmDevice() {
        return tpmDevice;
    }

    /** Where distributions put the firmware code and variable template, preferred first. */
    List<Firmware.Candidate> firmwareCandidates() {
        return firmware;
    }
}
