package dev.osimg.oci;

import java.io.IOException;

/** Receives a copy of a blob's bytes while a sink writes them, so that checks can run alongside the transfer. */
public interface BlobTap {
    /** A tap that wants nothing. */
    BlobTap NONE = descriptor -> null;

    /** Where the bytes of this blob go, or null when this tap does not want them. */
    Receiver open(Descriptor descriptor) throws IOException;

    /** One blob's bytes, in order. */
    interface Receiver {
        void accept(byte[] bytes, int offset, int length) throws IOException;

        /** All bytes were passed on. */
        void complete() throws IOException;

        /** The transfer failed; no more bytes will come. */
        void abort(Throwable cause);
    }
}
