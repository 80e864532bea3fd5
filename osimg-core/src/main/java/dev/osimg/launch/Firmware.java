package dev.osimg.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The UEFI firmware of a VM: the code, mapped read-only, and the template of the variable store that every
 * VM gets a private copy of.
 *
 * @param code         the firmware code ({@code OVMF_CODE_4M.fd})
 * @param varsTemplate the pristine variable store ({@code OVMF_VARS_4M.fd})
 */
public record Firmware(Path code, Path varsTemplate) {
    /** A pair of paths, relative to the file system root, where a distribution installs firmware. */
    record Candidate(String code, String vars) {
    }

    /**
     * Finds the firmware of {@code arch} under {@code root} ({@code /} on a real system); names the Debian package
     * to install when there is none.
     */
    public static Firmware find(Architecture arch, Path root) throws LaunchException {
        List<Firmware.Candidate> candidates = arch.firmwareCandidates();
        for (Candidate c : candidates) {
            Path code = root.resolve(c.code());
            Path vars = root.resolve(c.vars());
            if (Files.isReadable(code) && Files.isReadable(vars)) {
                return new Firmware(code, vars);
            }
        }
        throw new LaunchException("no UEFI firmware for " + arch.variantName() + " guests: none of "
                + candidates.stream().map(c -> root.resolve(c.code()).toString()).toList()
                + " exists; install the Debian package " + arch.firmwarePackage());
    }
}
