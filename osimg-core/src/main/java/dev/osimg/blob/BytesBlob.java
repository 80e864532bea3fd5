package dev.osimg.blob;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

/** Bytes in memory as a blob; only for small documents (manifests, configs). */
public record BytesBlob(byte[] bytes) implements Blob {
    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public InputStream open() {
        return new ByteArrayInputStream(bytes);
    }
}
