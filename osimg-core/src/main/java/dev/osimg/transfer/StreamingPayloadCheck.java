package dev.osimg.transfer;

import dev.osimg.blob.Blob;
import dev.osimg.blob.BytesBlob;
import dev.osimg.blob.Progress;
import dev.osimg.oci.BlobTap;
import dev.osimg.oci.Descriptor;
import dev.osimg.digest.Digest;
import dev.osimg.oci.LayoutSink;
import dev.osimg.oci.ManifestImage;
import dev.osimg.oci.MediaTypes;
import dev.osimg.oci.OciImage;
import dev.osimg.oci.SmallBlobs;
import dev.osimg.osimage.OsImage;
import dev.osimg.osimage.Payload;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * Checks an OS image's payloads chunk by chunk while their blobs download, on other threads, so
 * that a pull costs one pass over the data instead of two. Payloads whose blobs did not stream
 * (the layout had them already) are read back from the staged layout at the end.
 */
final class StreamingPayloadCheck implements BlobTap, LayoutSink.StagedCheck {
    private final OsImage streamed;
    private final Map<Digest, BlobPipe> pipes = new ConcurrentHashMap<>();
    private final Map<String, Future<Void>> checks = new ConcurrentHashMap<>();

    private StreamingPayloadCheck(OsImage streamed) {
        this.streamed = streamed;
    }

    /** A check for {@code source} when it is an OS image (its config is read and checked now), else none. */
    static StreamingPayloadCheck of(OciImage source) throws IOException {
        if (!MediaTypes.OS_IMAGE_ARTIFACT.equals(source.manifest().artifactType())) {
            return null;
        }
        Descriptor config = source.manifest().config();
        byte[] configBytes = SmallBlobs.readVerified(source.blob(config), config, source.location() + ": config " + config.digest());
        StreamingPayloadCheck[] self = new StreamingPayloadCheck[1];
        OciImage piped = ManifestImage.withBlobs(source, source.location(), d -> {
            if (d.digest().equals(config.digest())) {
                return new BytesBlob(configBytes);
            }
            BlobPipe pipe = self[0].pipes.get(d.digest());
            return new Blob() {
                @Override
                public long size() {
                    return d.size();
                }

                @Override
                public InputStream open() {
                    return pipe.reader();
                }
            };
        });
        self[0] = new StreamingPayloadCheck(OsImage.read(piped));
        return self[0];
    }

    @Override
    public Receiver open(Descriptor descriptor) {
        for (Payload payload : streamed.payloads()) {
            if (payload.layer().digest().equals(descriptor.digest()) && !checks.containsKey(payload.name())) {
                BlobPipe pipe = new BlobPipe();
                pipes.put(descriptor.digest(), pipe);
                FutureTask<Void> task = new FutureTask<>(() -> {
                    payload.verify(Progress.NONE);
                    return null;
                });
                checks.put(payload.name(), task);
                Thread.ofPlatform().daemon().name("osimg-verify-" + payload.name()).start(task);
                return pipe;
            }
        }
        return null;
    }

    @Override
    public void check(OciImage staged) throws IOException {
        Set<String> unchecked = new HashSet<>();
        for (Payload payload : streamed.payloads()) {
            Future<Void> task = checks.get(payload.name());
            if (task == null) {
                unchecked.add(payload.name());
                continue;
            }
            try {
                task.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while verifying payload " + payload.name());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) {
                    throw io;
                }
                throw new IOException("verifying payload " + payload.name() + " failed: " + e.getCause(), e.getCause());
            }
        }
        if (!unchecked.isEmpty()) {
            for (Payload payload : OsImage.read(staged).payloads()) {
                if (unchecked.contains(payload.name())) {
                    payload.verify(Progress.NONE);
                }
            }
        }
    }
}
