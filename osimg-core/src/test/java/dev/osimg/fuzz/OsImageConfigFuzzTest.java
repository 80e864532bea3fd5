package dev.osimg.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.osimg.blob.Blob;
import dev.osimg.blob.BytesBlob;
import dev.osimg.digest.Digest;
import dev.osimg.json.GoCompatibleJson;
import dev.osimg.oci.Descriptor;
import dev.osimg.oci.InvalidImageException;
import dev.osimg.oci.Manifest;
import dev.osimg.oci.MediaTypes;
import dev.osimg.oci.OciImage;
import dev.osimg.osimage.OsImage;
import dev.osimg.osimage.OsImageFormatException;
import dev.osimg.osimage.ProductInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** OS image configs (with their product info) and product-info files: read, or refused as invalid in plain words. */
class OsImageConfigFuzzTest {
    @FuzzTest(maxDuration = "2m")
    void configs(FuzzedDataProvider data) {
        List<Descriptor> layers = new ArrayList<>();
        int count = data.consumeInt(0, 3);
        for (int i = 0; i < count; i++) {
            String type = data.consumeBoolean() ? MediaTypes.PAYLOAD_ZSTD : MediaTypes.PAYLOAD_UNCOMPRESSED;
            layers.add(Descriptor.of(type, Digest.of(new byte[] {(byte) i}), data.consumeLong(0, 1L << 40)));
        }
        byte[] config = data.consumeRemainingAsBytes();
        Manifest manifest = Manifest.of(MediaTypes.OS_IMAGE_ARTIFACT,
                Descriptor.of(MediaTypes.OS_IMAGE_CONFIG, Digest.of(config), config.length), layers);
        try {
            byte[] manifestBytes = GoCompatibleJson.write(manifest);
            OsImage.read(new OciImage() {
                @Override
                public String location() {
                    return "fuzz";
                }

                @Override
                public Digest manifestDigest() {
                    return Digest.of(manifestBytes);
                }

                @Override
                public byte[] manifestBytes() {
                    return manifestBytes.clone();
                }

                @Override
                public Manifest manifest() {
                    return manifest;
                }

                @Override
                public Blob blob(Descriptor descriptor) {
                    return new BytesBlob(config);
                }
            });
        } catch (InvalidImageException expected) {
            Expectations.plainMessage(expected);
        } catch (IOException e) {
            throw new AssertionError("not an invalid-image error", e);
        }
    }

    @FuzzTest(maxDuration = "2m")
    void productInfoFiles(byte[] bytes) {
        try {
            ProductInfo.parse(bytes, "--product-info info.json");
        } catch (OsImageFormatException expected) {
            Expectations.plainMessage(expected);
        }
    }
}
