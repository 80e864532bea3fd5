package dev.osimg.osimage;

import dev.osimg.oci.Descriptor;
import dev.osimg.oci.Manifest;
import java.nio.file.Path;

/** What a build wrote: where, the manifest's descriptor, the manifest and the config. */
public record BuildResult(Path layout, String tag, Descriptor manifestDescriptor, Manifest manifest, OsImageConfig config) {
}
