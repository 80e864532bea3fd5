package dev.osimg.oci;

import dev.osimg.digest.Digest;

import dev.osimg.blob.Blob;
import dev.osimg.blob.DigestMismatchException;
import java.io.IOException;
import java.io.InputStream;

/** Reads small documents (manifests, configs, indexes) into memory, capped and digest-checked. */
public final class SmallBlobs {
    /** No document is read into memory above this size. */
    public static final long MAX_DOCUMENT_SIZE = 50L << 20;

    private SmallBlobs() {
    }

    /** Checks, before anything is opened, that a document's declared size is one osimg reads. */
    public static void checkDocumentSize(Descriptor descriptor, String what) throws IOException {
        if (descriptor.size() < 0) {
            throw new IOException(what + " has a negative size (" + descriptor.size() + ")");
        }
        if (descriptor.size() > MAX_DOCUMENT_SIZE) {
            throw new IOException(what + " is " + descriptor.size() + " bytes; documents over "
                    + MAX_DOCUMENT_SIZE + " bytes are refused");
        }
    }

    /** Reads a blob that the descriptor names, checking its size cap, its size and its digest. */
    public static byte[] readVerified(Blob blob, Descriptor descriptor, String what) throws IOException {
        checkDocumentSize(descriptor, what);
        byte[] bytes;
        try (InputStream in = blob.open()) {
            bytes = in.readNBytes((int) descriptor.size());
        }
        if (bytes.length != descriptor.size()) {
            throw new IOException(what + " is " + bytes.length + " bytes, its descriptor says " + descriptor.size());
        }
        Digest actual = Digest.of(bytes);
        if (!actual.equals(descriptor.digest())) {
            throw new DigestMismatchException(what, descriptor.digest(), actual);
        }
        return bytes;
    }

    /** Reads a whole stream of at most {@link #MAX_DOCUMENT_SIZE} bytes. */
    public static byte[] readCapped(InputStream in, String what) throws IOException {
        byte[] bytes = in.readNBytes((int) MAX_DOCUMENT_SIZE + 1);
        if (bytes.length > MAX_DOCUMENT_SIZE) {
            throw new IOException(what + " is larger than " + MAX_DOCUMENT_SIZE + " bytes; refused");
        }
        return bytes;
    }
}
