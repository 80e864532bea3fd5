package dev.osimg.blob;

import com.github.luben.zstd.EndDirective;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Compresses everything written into one zstd frame that records the content size in its
 * header (as the format requires), on all cores, into another stream.
 *
 * <p>zstd-jni's stream classes cannot pledge a size, so this drives a {@link ZstdCompressCtx}
 * directly; multi-threaded zstd output does not depend on the number of workers, so builds
 * are reproducible across machines.
 */
public final class ZstdFrameOutputStream extends OutputStream {
    private static final int BUFFER_SIZE = 1 << 20;

    private final ZstdCompressCtx ctx = new ZstdCompressCtx();
    private final ByteBuffer input = ByteBuffer.allocateDirect(BUFFER_SIZE);
    private final ByteBuffer output = ByteBuffer.allocateDirect(BUFFER_SIZE + (BUFFER_SIZE >> 7) + 512);
    private final byte[] transfer = new byte[output.capacity()];
    private final OutputStream sink;
    private boolean closed;

    /**
     * @param contentSize the exact number of bytes that will be written; zstd fails if it differs
     */
    public ZstdFrameOutputStream(OutputStream sink, int level, long contentSize) {
        this.sink = sink;
        ctx.setLevel(level);
        ctx.setChecksum(true);
        ctx.setContentSize(true);
        ctx.setWorkers(Math.max(1, Runtime.getRuntime().availableProcessors()));
        ctx.setPledgedSrcSize(contentSize);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, input.remaining());
            input.put(b, off, n);
            off += n;
            len -= n;
            if (!input.hasRemaining()) {
                compress(EndDirective.CONTINUE);
            }
        }
    }

    private void compress(EndDirective directive) throws IOException {
        input.flip();
        boolean finished;
        do {
            output.clear();
            try {
                finished = ctx.compressDirectByteBufferStream(output, input, directive);
            } catch (RuntimeException e) {
                throw new IOException("zstd compression failed: " + e.getMessage(), e);
            }
            output.flip();
            int n = output.remaining();
            output.get(transfer, 0, n);
            sink.write(transfer, 0, n);
        } while (input.hasRemaining() || (directive == EndDirective.END && !finished));
        input.clear();
    }

    /** Ends the frame and closes the sink. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            compress(EndDirective.END);
        } finally {
            ctx.close();
            sink.close();
        }
    }
}
