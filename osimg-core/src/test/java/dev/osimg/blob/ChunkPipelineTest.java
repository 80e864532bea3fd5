package dev.osimg.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ChunkPipelineTest {
    private static final int CHUNK = 64 << 10;

    /** A source that yields {@code good} bytes, then fails the way {@code failure} says. */
    private static final class FailingSource implements ReadableByteChannel {
        private final long good;
        private final Throwable failure;
        private long position;

        FailingSource(long good, Throwable failure) {
            this.good = good;
            this.failure = failure;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (position >= good) {
                if (failure instanceof IOException e) {
                    throw e;
                }
                if (failure instanceof Error e) {
                    throw e;
                }
                throw (RuntimeException) failure;
            }
            int n = (int) Math.min(dst.remaining(), good - position);
            dst.position(dst.position() + n);
            position += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private static void drain(ChunkPipeline pipeline) throws IOException {
        for (ChunkPipeline.Chunk c = pipeline.next(); c != null; c = pipeline.next()) {
            c.awaitSha256();
            pipeline.release(c);
        }
    }

    @Test
    void anErrorOnTheReaderThreadReachesTheCaller() {
        OutOfMemoryError oom = new OutOfMemoryError("Cannot reserve 1048576 bytes of direct buffer memory");
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (ChunkPipeline pipeline = new ChunkPipeline(new FailingSource(3L * CHUNK, oom), CHUNK, 10L * CHUNK, "payload x")) {
                assertThatThrownBy(() -> drain(pipeline)).isInstanceOf(IOException.class)
                        .hasMessageContaining("reading payload x failed").hasMessageContaining("direct buffer memory")
                        .hasCause(oom);
            }
        });
    }

    @Test
    void aRuntimeFailureOnTheReaderThreadReachesTheCaller() {
        IllegalStateException broken = new IllegalStateException("decoder state broken");
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try (ChunkPipeline pipeline = new ChunkPipeline(new FailingSource(CHUNK, broken), CHUNK, 4L * CHUNK, "payload y")) {
                assertThatThrownBy(() -> drain(pipeline)).isSameAs(broken);
            }
        });
    }

    @Test
    void closeWaitsForTheReaderAndTheSourceIsNeverClosedUnderARead() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        AtomicReference<Thread> readerThread = new AtomicReference<>();
        AtomicBoolean inRead = new AtomicBoolean();
        AtomicBoolean closedDuringRead = new AtomicBoolean();
        AtomicReference<Thread> closedBy = new AtomicReference<>();
        ReadableByteChannel blocking = new ReadableByteChannel() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                readerThread.set(Thread.currentThread());
                inRead.set(true);
                reading.countDown();
                try {
                    // A read that takes its time, as a slow network does, and ignores an interrupt at first.
                    long until = System.nanoTime() + 300_000_000L;
                    while (System.nanoTime() < until) {
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            // Keeps reading, as a native decoder would, until the time is up.
                        }
                    }
                    throw new java.io.InterruptedIOException("read given up");
                } finally {
                    inRead.set(false);
                }
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
                closedDuringRead.set(inRead.get());
                closedBy.set(Thread.currentThread());
            }
        };
        ChunkPipeline pipeline = new ChunkPipeline(blocking, CHUNK, -1, "slow stream");
        reading.await();
        // Closed as a cancelled transfer closes it: from a thread whose interrupt flag is set.
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread closer = Thread.ofPlatform().start(() -> {
            Thread.currentThread().interrupt();
            try {
                pipeline.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> closer.join());
        assertThat(stillInterrupted.get()).as("the closer's interrupt is kept").isTrue();
        assertThat(readerThread.get().isAlive()).as("reader thread after close").isFalse();
        assertThat(closedBy.get()).as("source closed").isNotNull();
        assertThat(closedDuringRead.get()).as("source closed during a read").isFalse();
    }
}
