package dev.osimg.osimage;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.osimg.blob.Blob;
import dev.osimg.blob.InputStreamChannel;
import dev.osimg.blob.Progress;
import dev.osimg.oci.Descriptor;
import dev.osimg.oci.MediaTypes;
import dev.osimg.oci.OciImage;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** One payload of an OS image: verified streams of its content, or its raw blob. */
public final class Payload {
    private final OciImage image;
    private final PayloadInfo info;
    private final Descriptor layer;

    Payload(OciImage image, PayloadInfo info, Descriptor layer) {
        this.image = image;
        this.info = info;
        this.layer = layer;
    }

    /** The payload's name. */
    public String name() {
        return info.name();
    }

    /** The uncompressed size. */
    public long size() {
        return info.size();
    }

    /** The payload's entry in the config. */
    public PayloadInfo info() {
        return info;
    }

    /** The layer descriptor that stores it. */
    public Descriptor layer() {
        return layer;
    }

    /** Whether the layer is zstd-compressed. */
    public boolean compressed() {
        return MediaTypes.PAYLOAD_ZSTD.equals(layer.mediaType());
    }

    /**
     * A stream of the uncompressed content that hands out each chunk only after its SHA-256
     * matched the config; a mismatch or a short stream is an error.
     */
    public VerifiedPayloadInputStream openVerified() throws IOException {
        Blob blob = image.blob(layer);
        if (!compressed()) {
            return new VerifiedPayloadInputStream(blob.openChannel(), info, image.location());
        }
        InputStream stored = blob.open();
        try {
            InputStream content = new ZstdDecodingFailures(new ZstdInputStreamNoFinalizer(new BufferedInputStream(stored, 1 << 17)),
                    name(), image.location());
            return new VerifiedPayloadInputStream(new InputStreamChannel(content), info, image.location());
        } catch (IOException | RuntimeException e) {
            stored.close();
            throw e;
        }
    }

    /** The verified content as a blob: each {@link Blob#open()} is a new {@link #openVerified()} stream. */
    public Blob verifiedBlob() {
        return new Blob() {
            @Override
            public long size() {
                return Payload.this.size();
            }

            @Override
            public InputStream open() throws IOException {
                return openVerified();
            }
        };
    }

    /** Reads and verifies every chunk without copying it anywhere, reporting progress; returns the size. */
    public long verify(Progress progress) throws IOException {
        long total = 0;
        try (VerifiedPayloadInputStream in = openVerified()) {
            for (long n = in.skip(Long.MAX_VALUE); n > 0; n = in.skip(Long.MAX_VALUE)) {
                total += n;
                progress.advance(n);
            }
        }
        return total;
    }

    /**
     * The blob as stored (compressed or not) and unverified, for callers that verify what they
     * read chunk by chunk themselves (delta transfers reading byte ranges).
     */
    public Blob storedBlob() throws IOException {
        return image.blob(layer);
    }

    /**
     * The seek table of a seekable zstd layer, read with one range request on the blob's tail and
     * checked to describe one frame per hash chunk; empty when the layer is uncompressed or one
     * plain zstd frame. A tail that claims to be a seek table but is not valid is an error.
     */
    public Optional<SeekTable> readSeekTable() throws IOException {
        long tailSize = Math.min(layer.size(), SeekTable.sizeFor(info.chunkHashes().size(), true));
        if (!compressed() || tailSize < SeekTable.HEADER_SIZE + SeekTable.FOOTER_SIZE) {
            return Optional.empty();
        }
        byte[] tail;
        try (InputStream in = storedBlob().openRange(layer.size() - tailSize, tailSize)) {
            tail = in.readAllBytes();
        }
        if (!SeekTable.endsWithSeekableMagic(tail)) {
            return Optional.empty();
        }
        String what = image.location() + ": payload \"" + name() + "\" (blob " + layer.digest().shortHex() + ")";
        SeekTable table = SeekTable.parse(tail, layer.size(), what);
        table.requireChunkFrames(info, what);
        return Optional.of(table);
    }

    /**
     * The blob as stored, without verification, so it can be cloned or copied without being
     * read. Only for uncompressed layers.
     */
    public Blob unverified() throws IOException {
        if (compressed()) {
            throw new OsImageFormatException(image.location() + ": payload \"" + name() + "\" is stored as " + layer.mediaType()
                    + "; the unverified path needs an uncompressed (" + MediaTypes.PAYLOAD_UNCOMPRESSED + ") layer");
        }
        return image.blob(layer);
    }
}
