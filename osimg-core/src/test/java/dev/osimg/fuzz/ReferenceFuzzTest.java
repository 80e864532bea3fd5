package dev.osimg.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.osimg.oci.ImageReference;

/** User-typed image references and mirror hosts: any text parses or fails with osimg's usage error. */
class ReferenceFuzzTest {
    @FuzzTest(maxDuration = "2m")
    void parsesOrRefusesAnyReference(String text) {
        try {
            ImageReference.parse(text);
        } catch (IllegalArgumentException expected) {
            Expectations.ownIllegalArgument(expected);
        }
        try {
            ImageReference.checkRegistryHost(text);
        } catch (IllegalArgumentException expected) {
            Expectations.ownIllegalArgument(expected);
        }
    }
}
