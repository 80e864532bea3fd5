package dev.osimg.sign;

import dev.osimg.blob.Blob;
import dev.osimg.blob.BytesBlob;
import dev.osimg.blob.DigestMismatchException;
import dev.osimg.blob.Progress;
import dev.osimg.digest.Digest;
import dev.osimg.json.GoCompatibleJson;
import dev.osimg.oci.Descriptor;
import dev.osimg.oci.Index;
import dev.osimg.oci.Manifest;
import dev.osimg.oci.MediaTypes;
import dev.osimg.oci.SmallBlobs;
import dev.osimg.registry.RegistryNotFoundException;
import dev.osimg.registry.RegistryRepository;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** Signatures in the registry repository of the image: the {@code .sig} tag, and referrers where the registry lists them. */
public final class RegistrySignatureStore implements SignatureStore {
    /** Referrers beyond this many are not read: an image has a handful of signatures, not thousands. */
    private static final int MAX_REFERRERS = 64;

    private final RegistryRepository repository;

    public RegistrySignatureStore(RegistryRepository repository) {
        this.repository = repository;
    }

    @Override
    public String location() {
        return repository.host() + "/" + repository.name();
    }

    @Override
    public Manifest tagged(String tag) throws IOException {
        RegistryRepository.FetchedManifest fetched;
        try {
            fetched = repository.getManifest(tag);
        } catch (RegistryNotFoundException e) {
            return null;
        }
        return parse(fetched, location() + ":" + tag);
    }

    @Override
    public List<Manifest> referrers(Digest digest) throws IOException {
        byte[] bytes = repository.referrers(digest);
        if (bytes == null) {
            return null;
        }
        String what = location() + ": referrers of " + digest;
        Index index;
        try {
            index = GoCompatibleJson.mapper().readValue(bytes, Index.class);
        } catch (IOException e) {
            throw new IOException(what + " is not a valid image index: " + e.getMessage(), e);
        }
        List<Manifest> found = new ArrayList<>();
        for (Descriptor d : index.manifests().stream().limit(MAX_REFERRERS).toList()) {
            if (MediaTypes.IMAGE_MANIFEST.equals(d.mediaType())) {
                RegistryRepository.FetchedManifest fetched = repository.getManifest(d.digest().toString());
                if (!fetched.digest().equals(d.digest())) {
                    throw new DigestMismatchException(what, d.digest(), fetched.digest());
                }
                Manifest m = parse(fetched, location() + "@" + d.digest());
                if (m.subject() != null && m.subject().digest().equals(digest)) {
                    found.add(m);
                }
            }
        }
        return found;
    }

    private static Manifest parse(RegistryRepository.FetchedManifest fetched, String what) throws IOException {
        if (MediaTypes.IMAGE_INDEX.equals(fetched.mediaType())) {
            throw new IOException(what + " is an image index, not a signature manifest");
        }
        return Manifest.parse(fetched.bytes(), what + " (" + fetched.digest() + ")");
    }

    @Override
    public byte[] blob(Descriptor descriptor, long maxSize) throws IOException {
        String what = location() + ": signature blob " + descriptor.digest();
        if (descriptor.size() > maxSize) {
            throw new IOException(what + " is " + descriptor.size() + " bytes; signature payloads over " + maxSize + " are refused");
        }
        Blob blob = new Blob() {
            @Override
            public long size() {
                return descriptor.size();
            }

            @Override
            public InputStream open() throws IOException {
                return repository.openBlob(descriptor);
            }
        };
        return SmallBlobs.readVerified(blob, descriptor, what);
    }

    @Override
    public void put(String tag, List<SignatureLayer> newLayers, SignatureManifest.Built built) throws IOException {
        for (SignatureLayer layer : newLayers) {
            repository.pushBlob(layer.descriptor(), new BytesBlob(layer.payload()), null, Progress.NONE);
        }
        repository.pushBlob(built.configDescriptor(), new BytesBlob(built.config()), null, Progress.NONE);
        repository.putManifest(tag, MediaTypes.IMAGE_MANIFEST, built.manifest());
    }
}
