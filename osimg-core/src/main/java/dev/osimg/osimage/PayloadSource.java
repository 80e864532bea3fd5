package dev.osimg.osimage;

import java.nio.file.Path;

/** A payload to build into an image: its name and the file that holds it. */
public record PayloadSource(String name, Path file) {
    public PayloadSource {
        if (name == null || !OsImage.PAYLOAD_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid payload name \"" + name + "\": use 1 to 80 of [0-9A-Za-z._-], "
                    + "not starting with . or _ and not ending with .");
        }
    }
}
