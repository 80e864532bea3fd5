package dev.osimg.osimage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.osimg.json.GoCompatibleJson;
import dev.osimg.oci.Descriptor;
import dev.osimg.digest.Digest;
import dev.osimg.oci.Index;
import dev.osimg.oci.MediaTypes;
import dev.osimg.oci.OciLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/** Builds real layouts for tests, and crafts broken ones by editing a valid layout's JSON. */
final class TestLayouts {
    private TestLayouts() {
    }

    /** Random bytes, reproducible from the seed. */
    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** A layout with payloads kernel.efi and system, built for real. */
    static Path build(Path dir, Compression compression, byte[] kernel, byte[] system) throws IOException {
        Files.createDirectories(dir);
        Path kernelFile = Files.write(dir.resolve("kernel.efi.in"), kernel);
        Path systemFile = Files.write(dir.resolve("system.in"), system);
        Path layout = dir.resolve("layout");
        new OsImageBuilder()
                .payload("kernel.efi", kernelFile)
                .payload("system", systemFile)
                .productInfo(new ProductInfo("test", "Test OS", "1.0", "x86_64", "", "", false, List.of()))
                .compression(compression)
                .build(layout);
        return layout;
    }

    /** The manifest descriptor the layout's index points at. */
    static Descriptor manifestDescriptor(Path layout) throws IOException {
        return OciLayout.open(layout).index().manifests().getFirst();
    }

    static ObjectNode readJson(Path layout, Digest digest) throws IOException {
        return (ObjectNode) GoCompatibleJson.mapper().readTree(OciLayout.blobPath(layout, digest).toFile());
    }

    /** Rewrites the manifest through {@code edit} and points the index at the result. */
    static void editManifest(Path layout, Consumer<ObjectNode> edit) throws IOException {
        Descriptor current = manifestDescriptor(layout);
        ObjectNode manifest = readJson(layout, current.digest());
        edit.accept(manifest);
        byte[] bytes = GoCompatibleJson.write(manifest);
        Digest digest = writeBlob(layout, bytes);
        writeIndex(layout, Descriptor.of(MediaTypes.IMAGE_MANIFEST, digest, bytes.length));
    }

    /** Rewrites the config through {@code edit}, then the manifest to reference it (digest and size). */
    static void editConfig(Path layout, Consumer<ObjectNode> edit) throws IOException {
        Descriptor current = manifestDescriptor(layout);
        ObjectNode manifest = readJson(layout, current.digest());
        Digest configDigest = Digest.parse(manifest.with("config").get("digest").asText());
        ObjectNode config = readJson(layout, configDigest);
        edit.accept(config);
        byte[] bytes = GoCompatibleJson.write(config);
        Digest digest = writeBlob(layout, bytes);
        editManifest(layout, m -> {
            m.with("config").put("digest", digest.toString());
            m.with("config").put("size", bytes.length);
        });
    }

    /** Replaces the config by exactly {@code bytes}, then the manifest to reference it (digest and size). */
    static void replaceConfig(Path layout, byte[] bytes) throws IOException {
        Digest digest = writeBlob(layout, bytes);
        editManifest(layout, m -> {
            m.with("config").put("digest", digest.toString());
            m.with("config").put("size", bytes.length);
        });
    }

    static Digest writeBlob(Path layout, byte[] bytes) throws IOException {
        Digest digest = Digest.of(bytes);
        Files.write(OciLayout.blobPath(layout, digest), bytes);
        return digest;
    }

    static void writeIndex(Path layout, Descriptor manifest) throws IOException {
        Files.write(layout.resolve("index.json"), GoCompatibleJson.write(Index.of(List.of(manifest))));
    }

    /** The blob file of the payload layer at {@code index}. */
    static Path layerFile(Path layout, int index) throws IOException {
        ObjectNode manifest = readJson(layout, manifestDescriptor(layout).digest());
        Digest digest = Digest.parse(manifest.withArray("layers").get(index).get("digest").asText());
        return OciLayout.blobPath(layout, digest);
    }

    /** The config blob file. */
    static Path configFile(Path layout) throws IOException {
        ObjectNode manifest = readJson(layout, manifestDescriptor(layout).digest());
        return OciLayout.blobPath(layout, Digest.parse(manifest.with("config").get("digest").asText()));
    }

    /** Reads an image of the layout and checks it. */
    static OsImage read(Path layout) throws IOException {
        return OsImage.read(OciLayout.open(layout).image(null));
    }
}
