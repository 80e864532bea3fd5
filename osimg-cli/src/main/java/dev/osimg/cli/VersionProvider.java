package dev.osimg.cli;

import picocli.CommandLine;

/** The version from the jar's manifest. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = Main.class.getPackage().getImplementationVersion();
        return new String[] {"osimg " + (version == null ? "(development build)" : version)
                + " (Java " + Runtime.version() + ")"};
    }
}
