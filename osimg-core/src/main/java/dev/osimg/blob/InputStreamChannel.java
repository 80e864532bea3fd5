package dev.osimg.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * A stream as a channel, reading in large pieces (the JDK's adapter moves 8 KiB at a time, which
 * costs a native call per 8 KiB on a decompressor). Not interruptible: it is closed only by the
 * thread that owns it, so a native decoder is never closed under a running read.
 */
public final class InputStreamChannel implements ReadableByteChannel {
    private static final int PIECE = 256 << 10;

    private final InputStream in;
    private final byte[] scratch = new byte[PIECE];
    private boolean open = true;

    public InputStreamChannel(InputStream in) {
        this.in = in;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (dst.hasArray()) {
            int n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
            if (n > 0) {
                dst.position(dst.position() + n);
            }
            return n;
        }
        int n = in.read(scratch, 0, Math.min(scratch.length, dst.remaining()));
        if (n > 0) {
            dst.put(scratch, 0, n);
        }
        return n;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() throws IOException {
        open = false;
        in.close();
    }
}
