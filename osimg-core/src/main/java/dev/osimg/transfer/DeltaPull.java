package dev.osimg.transfer;

import dev.osimg.blob.DigestMismatchException;
import dev.osimg.digest.Digest;
import dev.osimg.oci.Descriptor;
import dev.osimg.oci.MediaTypes;
import dev.osimg.oci.OciImage;
import dev.osimg.oci.OciLayoutWriter;
import dev.osimg.osimage.OsImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Pulls an OS image into a layout directory, building each payload blob from chunks already on
 * this machine plus the ranges that must be fetched. Each assembled blob is checked against its
 * layer digest before it is committed, and the layout appears only when everything passed.
 */
public final class DeltaPull {
    private final int jobs;
    private final DeltaListener listener;

    public DeltaPull(int jobs, DeltaListener listener) {
        this.jobs = jobs;
        this.listener = listener;
    }

    /** What the pull did: the manifest written, the plan it followed, and the bytes actually fetched. */
    public record Result(Descriptor manifest, DeltaPlan plan, long payloadBytesFetched) {
    }

    /** Plans against {@code local}, tells the listener, then writes the layout {@code dir} (tagged {@code tag}, may be null). */
    public Result pull(OciImage source, Path dir, String tag, LocalChunks local) throws IOException {
        OsImage image = OsImage.read(source);
        DeltaPlan plan = DeltaPlanner.plan(image, local, DeltaPlanner.Output.BLOB);
        listener.planned(plan);
        DeltaFetch fetch = new DeltaFetch(jobs, listener);
        try (OciLayoutWriter writer = OciLayoutWriter.open(dir)) {
            Digest configDigest = writer.writeBlob(image.configBytes());
            if (!configDigest.equals(image.configDigest())) {
                throw new DigestMismatchException(source.location() + ": config", image.configDigest(), configDigest);
            }
            Set<Digest> done = new HashSet<>();
            for (DeltaPlan.PayloadPlan payload : plan.payloads()) {
                Descriptor layer = payload.payload().layer();
                if (!done.add(layer.digest()) || writer.hasIntactBlob(layer.digest(), layer.size())) {
                    continue;
                }
                Path temp = writer.newTempBlob();
                fetch.assembleBlob(payload, temp);
                Digest actual = Digest.ofFile(temp);
                if (!actual.equals(layer.digest()) && !payload.whole()) {
                    // Local chunks are copied unread after planning; if one changed meanwhile, fetch this blob whole.
                    listener.fallback(payload.payload().name(), "the blob assembled from local chunks and fetched ranges does not"
                            + " match its digest (did the local data change while it was copied?)");
                    fetch.assembleBlob(DeltaPlan.PayloadPlan.whole(payload.payload(), "fallback", payload.seekTableBytes()), temp);
                    actual = Digest.ofFile(temp);
                }
                if (!actual.equals(layer.digest())) {
                    throw new DigestMismatchException(source.location() + ": payload \"" + payload.payload().name()
                            + "\"", layer.digest(), actual);
                }
                writer.commitBlob(temp, layer.digest());
            }
            byte[] manifestBytes = source.manifestBytes();
            Digest manifestDigest = writer.writeBlob(manifestBytes);
            if (!manifestDigest.equals(source.manifestDigest())) {
                throw new DigestMismatchException(source.location() + ": manifest", source.manifestDigest(), manifestDigest);
            }
            Descriptor manifest = Descriptor.of(MediaTypes.IMAGE_MANIFEST, manifestDigest, manifestBytes.length)
                    .withArtifactType(MediaTypes.OS_IMAGE_ARTIFACT);
            writer.commit(manifest, tag);
            return new Result(manifest, plan, fetch.bytesFetched());
        }
    }
}
