package dev.osimg.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.osimg.oci.Index;
import dev.osimg.oci.InvalidImageException;
import dev.osimg.oci.Manifest;

/** Manifests and indexes from registries and layouts: parsed, or refused as an invalid image in plain words. */
class OciDocumentFuzzTest {
    @FuzzTest(maxDuration = "2m")
    void manifests(byte[] bytes) {
        try {
            Manifest.parse(bytes, "manifest");
        } catch (InvalidImageException expected) {
            Expectations.plainMessage(expected);
        } catch (java.io.IOException e) {
            throw new AssertionError("not an invalid-image error", e);
        }
    }

    @FuzzTest(maxDuration = "2m")
    void indexes(byte[] bytes) {
        try {
            Index.parse(bytes, "index.json");
        } catch (InvalidImageException expected) {
            Expectations.plainMessage(expected);
        }
    }
}
