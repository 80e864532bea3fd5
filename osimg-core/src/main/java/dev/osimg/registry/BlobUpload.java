package dev.osimg.registry;

import dev.osimg.blob.Blob;
import dev.osimg.blob.Progress;
import dev.osimg.oci.BlobOutcome;
import dev.osimg.oci.Descriptor;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts one blob into a repository the cheapest way: nothing when the registry has it
 * ({@code HEAD}), a cross-repository mount when another repository of the same registry has it,
 * else {@code POST} then one {@code PUT} (blobs up to 1 GiB) or {@code PATCH} chunks of 64 MiB
 * and a closing {@code PUT} (larger ones). A chunk answered 416 continues from the offset the
 * registry reports; an upload session the registry lost starts over, within the retry budget.
 */
final class BlobUpload {
    /** Blobs up to this size go in one PUT (fastest: no per-chunk round trip). */
    static final long MONOLITHIC_LIMIT = 1L << 30;
    /** Larger blobs go in PATCH chunks of this size: small enough that a failed chunk costs little to send again. */
    static final long CHUNK_SIZE = 64L << 20;
    private static final Pattern RANGE = Pattern.compile("(?:bytes=)?0-([0-9]+)");

    private final RegistryRepository repo;
    private final Descriptor descriptor;
    private final Blob blob;
    private final Progress progress;
    private final String what;
    private final long monolithicLimit;
    private final long chunkSize;
    /** How far into the blob progress has been reported; a retried request does not count twice. */
    private long reported;

    BlobUpload(RegistryRepository repo, Descriptor descriptor, Blob blob, Progress progress) {
        this(repo, descriptor, blob, progress, MONOLITHIC_LIMIT, CHUNK_SIZE);
    }

    /** An upload with other size limits (tests drive the chunked path with small blobs). */
    BlobUpload(RegistryRepository repo, Descriptor descriptor, Blob blob, Progress progress, long monolithicLimit, long chunkSize) {
        if (chunkSize < 1 || monolithicLimit < 0) {
            throw new IllegalArgumentException("chunk size must be positive and the monolithic limit not negative");
        }
        this.monolithicLimit = monolithicLimit;
        this.chunkSize = chunkSize;
        this.repo = repo;
        this.descriptor = descriptor;
        this.blob = blob;
        this.progress = progress;
        this.what = "uploading blob " + descriptor.digest().shortHex() + " to " + repo.host() + "/" + repo.name();
    }

    BlobOutcome run(RegistryRepository mountFrom) throws IOException {
        OptionalLong existing = repo.blobSize(descriptor.digest());
        if (existing.isPresent() && (existing.getAsLong() == descriptor.size() || existing.getAsLong() < 0)) {
            return BlobOutcome.EXISTS;
        }
        URI session = null;
        if (mountFrom != null && mountFrom.host().equals(repo.host()) && !mountFrom.name().equals(repo.name())) {
            RegistryRepository.MountResult mount = repo.mount(descriptor.digest(), mountFrom.name());
            if (mount.mounted()) {
                return BlobOutcome.MOUNTED;
            }
            session = mount.uploadSession();
        }
        if (session == null) {
            session = startSession();
        }
        if (descriptor.size() <= monolithicLimit) {
            finish(session, 0, descriptor.size());
        } else {
            chunked(session);
        }
        return BlobOutcome.COPIED;
    }

    /**
     * PATCHes the blob chunk by chunk from where the registry stands, starting over when it lost
     * the session; answers that move nothing forward count against the retry budget.
     */
    void chunked(URI firstSession) throws IOException {
        RetryPolicy.Budget restarts = repo.http().budget(what);
        URI session = firstSession;
        long offset = 0;
        while (true) {
            try {
                while (offset < descriptor.size()) {
                    long length = Math.min(chunkSize, descriptor.size() - offset);
                    ChunkAnswer answer = patch(session, offset, length);
                    if (answer.offset <= offset) {
                        restarts.failed(RetryPolicy.Failure.of(new java.io.IOException("the registry holds " + answer.offset
                                + " bytes, no more than before the chunk")), repo.host(), Redaction.url(session));
                    } else {
                        restarts.progressed();
                    }
                    session = answer.next;
                    offset = answer.offset;
                }
                finish(session, offset, 0);
                return;
            } catch (SessionLost e) {
                restarts.failed(RetryPolicy.Failure.of(e), repo.host(), Redaction.url(session));
                session = startSession();
                offset = 0;
            }
        }
    }

    /** The registry no longer knows the upload session (it expired, or it was cancelled after a lost answer). */
    private static final class SessionLost extends IOException {
        SessionLost(String message) {
            super(message);
        }
    }

    private URI startSession() throws IOException {
        var request = new RegistryHttp.Request("POST", repo.uri("blobs/uploads/"), RegistryHttp.headers(),
                null, repo.pushScope(), what);
        try (RegistryHttp.Response response = repo.http().send(request)) {
            if (response.status() != 202 || response.header("Location") == null) {
                throw repo.http().fail(response, what + " (starting the upload)");
            }
            RegistryHttp.drain(response);
            return repo.http().location(response, what + " (starting the upload)");
        }
    }

    private record ChunkAnswer(URI next, long offset) {
    }

    private ChunkAnswer patch(URI session, long offset, long length) throws IOException {
        var request = new RegistryHttp.Request("PATCH", session,
                RegistryHttp.headers("Content-Type", "application/octet-stream",
                        "Content-Range", offset + "-" + (offset + length - 1)),
                body(offset, length), repo.pushScope(), what + " (bytes " + offset + "-" + (offset + length - 1) + ")");
        try (RegistryHttp.Response response = repo.http().send(request)) {
            if (response.status() == 416) {
                // Part of an earlier attempt arrived: ask where the upload stands and go on from there.
                RegistryHttp.drain(response);
                return status(session);
            }
            if (sessionGone(response.status())) {
                throw new SessionLost("the registry lost the upload session (" + repo.http().fail(response, request.what()).getMessage()
                        + "); starting over");
            }
            if (response.status() != 202) {
                throw repo.http().fail(response, request.what());
            }
            RegistryHttp.drain(response);
            URI next = repo.http().location(response, request.what());
            long confirmed = confirmedEnd(response.header("Range"));
            long end = confirmed >= 0 ? confirmed : offset + length;
            if (end > offset + length || end < 0) {
                throw new RegistryException(request.what() + ": " + repo.host() + " claims to hold " + end + " bytes after a chunk ending at "
                        + (offset + length), response.status(), java.util.List.of());
            }
            return new ChunkAnswer(next, end);
        }
    }

    private ChunkAnswer status(URI session) throws IOException {
        var request = RegistryHttp.Request.of("GET", session, RegistryHttp.headers(), repo.pushScope(), what + " (upload status)");
        try (RegistryHttp.Response response = repo.http().send(request)) {
            if (sessionGone(response.status())) {
                throw new SessionLost("the registry lost the upload session (" + repo.http().fail(response, request.what()).getMessage()
                        + "); starting over");
            }
            if (response.status() != 204) {
                throw repo.http().fail(response, request.what());
            }
            RegistryHttp.drain(response);
            long end = confirmedEnd(response.header("Range"));
            if (end > descriptor.size()) {
                throw new RegistryException(request.what() + ": " + repo.host() + " claims to hold " + end + " bytes of a "
                        + descriptor.size() + "-byte blob", 204, java.util.List.of());
            }
            URI next = response.header("Location") == null ? session : repo.http().location(response, request.what());
            return new ChunkAnswer(next, Math.max(0, end));
        }
    }

    /** A 404 (upload unknown) or 400 (upload invalid, as distribution answers a stale session) to a session URL. */
    private static boolean sessionGone(int status) {
        return status == 404 || status == 400;
    }

    /** The end (exclusive) of what the registry holds, from {@code Range: 0-N}, or -1. */
    private static long confirmedEnd(String range) {
        if (range == null) {
            return -1;
        }
        Matcher m = RANGE.matcher(range.trim());
        return m.matches() && m.group(1).length() <= 18 ? Long.parseLong(m.group(1)) + 1 : -1;
    }

    private void finish(URI session, long offset, long length) throws IOException {
        String sep = session.getRawQuery() == null ? "?" : "&";
        URI uri = URI.create(session + sep + "digest=" + descriptor.digest());
        var request = new RegistryHttp.Request("PUT", uri, RegistryHttp.headers("Content-Type", "application/octet-stream"),
                length == 0 ? null : body(offset, length), repo.pushScope(), what);
        try (RegistryHttp.Response response = repo.http().send(request)) {
            if (response.status() != 201) {
                throw repo.http().fail(response, what + " (completing the upload)");
            }
            RegistryHttp.drain(response);
        }
    }

    /** The bytes [offset, offset+length) of the blob as a request body, read from the file directly when there is one. */
    private RequestBody body(long offset, long length) {
        Path file = blob.localFile().orElse(null);
        return new RequestBody(length, () -> {
            if (file != null) {
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
                channel.position(offset);
                return new LimitedInputStream(Channels.newInputStream(channel), offset, length);
            }
            InputStream in = blob.open();
            in.skipNBytes(offset);
            return new LimitedInputStream(in, offset, length);
        });
    }

    private synchronized void reachedPosition(long position) {
        if (position > reported) {
            progress.advance(position - reported);
            reported = position;
        }
    }

    /** Passes on at most {@code limit} bytes and reports progress as the request body is sent. */
    private final class LimitedInputStream extends FilterInputStream {
        private long remaining;
        private long position;

        LimitedInputStream(InputStream in, long start, long limit) {
            super(in);
            this.position = start;
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                remaining--;
                reachedPosition(++position);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
                position += n;
                reachedPosition(position);
            }
            return n;
        }
    }

}
