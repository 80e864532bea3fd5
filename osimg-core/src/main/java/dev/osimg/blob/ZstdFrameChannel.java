package dev.osimg.blob;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * Compresses everything written into one zstd frame that records the content size in its
 * header (as the format requires), on all cores, into another channel.
 *
 * <p>zstd-jni's stream classes cannot pledge a size, so this drives a {@link ZstdCompressCtx}
 * directly; direct buffers are compressed in place, without a copy. Multi-threaded zstd output
 * does not depend on the number of workers, so builds are reproducible across machines.
 */
public final class ZstdFrameChannel implements WritableByteChannel {
    private static final int BUFFER_SIZE = 1 << 20;

    private final ZstdCompressCtx ctx = new ZstdCompressCtx();
    private final ByteBuffer staging = ByteBuffer.allocateDirect(BUFFER_SIZE);
    private final ByteBuffer output = ByteBuffer.allocateDirect(BUFFER_SIZE + (BUFFER_SIZE >> 7) + 512);
    private final WritableByteChannel sink;
    private boolean open = true;

    /**
     * @param contentSize the exact number of bytes that will be written; zstd fails if it differs
     */
    public ZstdFrameChannel(WritableByteChannel sink, int level, long contentSize) {
        this.sink = sink;
        ctx.setLevel(level);
        ctx.setChecksum(true);
        ctx.setContentSize(true);
        ctx.setWorkers(Math.max(1, Runtime.getRuntime().availableProcessors()));
        ctx.setPledgedSrcSize(contentSize);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int n = src.remaining();
        if (src.isDirect()) {
            compress(src, EndDirective.CONTINUE);
            return n;
        }
        while (src.hasRemaining()) {
            int piece = Math.min(staging.capacity(), src.remaining());
            staging.clear();
            staging.put(src.slice(src.position(), piece)).flip();
            src.position(src.position() + piece);
            compress(staging, EndDirective.CONTINUE);
        }
        return n;
    }

    private void compress(ByteBuffer input, EndDirective directive) throws IOException {
        boolean finished;
        do {
            output.clear();
            try {
                finished = ctx.compressDirectByteBufferStream(output, input, directive);
            } catch (RuntimeException e) {
                throw new IOException("zstd compression failed: " + e.getMessage(), e);
            }
            output.flip();
            while (output.hasRemaining()) {
                sink.write(output);
            }
        } while (input.hasRemaining() || (directive == EndDirective.END && !finished));
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Ends the frame and closes the sink. */
    @Override
    public void close() throws IOException {
        if (!open) {
            return;
        }
        open = false;
        try {
            compress(staging.clear().flip(), EndDirective.END);
        } finally {
            ctx.close();
            sink.close();
        }
    }
}
