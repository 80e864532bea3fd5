package dev.osimg.registry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/** A request body that can be opened again for every attempt, with its exact length. */
public record RequestBody(long length, Source source) {
    /** Opens the body's bytes from the start. */
    public interface Source {
        InputStream open() throws IOException;
    }

    /** A body of these bytes. */
    public static RequestBody of(byte[] bytes) {
        return new RequestBody(bytes.length, () -> new ByteArrayInputStream(bytes));
    }
}
