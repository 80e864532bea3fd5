package dev.osimg.launch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a launch looks for its programs and firmware: a file system root and a program search path, so that
 * what is missing can be named (and tested) without touching the real system.
 *
 * @param root the root under which firmware is looked for
 * @param path the program search path, as in {@code $PATH}
 */
public record Host(Path root, String path) {
    /** This machine: {@code /} and the process's {@code $PATH} (plus {@code /usr/bin}, {@code /usr/sbin}). */
    public static Host system() {
        return new Host(Path.of("/"), System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/sbin:/bin:/sbin");
    }

    /** Finds {@code program} on the search path; names the Debian package that installs it when it is missing. */
    public Path program(String program, String debianPackage, String purpose) throws LaunchException {
        List<String> dirs = new ArrayList<>(List.of(path.split(":")));
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new LaunchException(program + " is not installed (" + purpose + "); install the Debian package " + debianPackage);
    }
}
