package dev.osimg.registry;

import dev.osimg.blob.Blob;
import dev.osimg.blob.ExactLengthInputStream;
import dev.osimg.blob.RangeNotSupportedException;
import dev.osimg.oci.Descriptor;
import dev.osimg.digest.Digest;
import dev.osimg.oci.MediaTypes;
import dev.osimg.oci.SmallBlobs;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The distribution-spec endpoints of one repository in one registry: manifest GET and PUT, blob
 * HEAD and GET (resumable), cross-repository mount. Uploads are in {@link BlobUpload}.
 */
public final class RegistryRepository {
    /** What osimg accepts for manifests; the distribution registry answers 404 to a GET without it. */
    static final String MANIFEST_ACCEPT = String.join(", ", MediaTypes.IMAGE_MANIFEST, MediaTypes.IMAGE_INDEX,
            "application/vnd.docker.distribution.manifest.v2+json", "application/vnd.docker.distribution.manifest.list.v2+json");
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes ([0-9]+)-([0-9]+)/([0-9]+|\\*)");

    private final RegistryHttp http;
    private final String host;
    private final String name;
    private final boolean mirror;

    RegistryRepository(RegistryHttp http, String host, String name, boolean mirror) {
        this.http = http;
        this.host = host;
        this.name = name;
        this.mirror = mirror;
    }

    /** The registry host, {@code HOST[:PORT]}. */
    public String host() {
        return host;
    }

    /** The repository name. */
    public String name() {
        return name;
    }

    RegistryHttp http() {
        return http;
    }

    List<String> pullScope() {
        return List.of("repository:" + name + ":pull");
    }

    List<String> pushScope() {
        return List.of("repository:" + name + ":pull,push");
    }

    /** A retry budget for one operation; a mirror's does not retry connections that cannot be made. */
    private RetryPolicy.Budget budget(String what) {
        return mirror ? http.budgetWithoutConnectRetries(what) : http.budget(what);
    }

    private RegistryHttp.Response send(RegistryHttp.Request request) throws IOException {
        return http.send(request, budget(request.what()));
    }

    URI uri(String pathAfterRepository) {
        return http.base(host).resolve("/v2/" + name + "/" + pathAfterRepository);
    }

    /** A manifest as fetched: its bytes, media type, and digest computed from the bytes. */
    public record FetchedManifest(byte[] bytes, String mediaType, Digest digest) {
    }

    /** GETs a manifest by tag or digest; the computed digest is checked against {@code Docker-Content-Digest} when sent. */
    public FetchedManifest getManifest(String reference) throws IOException {
        String what = "fetching manifest " + host + "/" + name + (reference.startsWith("sha256:") ? "@" : ":") + reference;
        var request = RegistryHttp.Request.of("GET", uri("manifests/" + reference),
                RegistryHttp.headers("Accept", MANIFEST_ACCEPT), pullScope(), what);
        try (RegistryHttp.Response response = send(request)) {
            if (response.status() == 404) {
                RegistryException e = http.fail(response, what);
                String missing = reference.startsWith("sha256:") ? "no manifest " + reference : "no tag \"" + reference + "\"";
                throw new RegistryNotFoundException("repository " + name + " in " + host + " has " + missing + " ("
                        + e.getMessage() + ")", e.codes());
            }
            if (response.status() != 200) {
                throw http.fail(response, what);
            }
            long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (declared > SmallBlobs.MAX_DOCUMENT_SIZE) {
                throw new IOException(what + ": the manifest is " + declared + " bytes; manifests over "
                        + SmallBlobs.MAX_DOCUMENT_SIZE + " bytes are refused");
            }
            byte[] bytes = SmallBlobs.readCapped(response.body(), what);
            Digest digest = Digest.of(bytes);
            String claimed = response.header("Docker-Content-Digest");
            if (claimed != null && claimed.startsWith("sha256:") && !Digest.parse(claimed).equals(digest)) {
                throw new dev.osimg.blob.DigestMismatchException(what + " (Docker-Content-Digest)", Digest.parse(claimed), digest);
            }
            String mediaType = response.header("Content-Type");
            return new FetchedManifest(bytes, mediaType == null ? "" : mediaType.split(";")[0].trim(), digest);
        }
    }

    /** PUTs a manifest under a tag or its digest and returns the digest the registry reports (checked). */
    public Digest putManifest(String reference, String mediaType, byte[] bytes) throws IOException {
        Digest digest = Digest.of(bytes);
        String what = "pushing manifest " + digest + " to " + host + "/" + name + (reference.startsWith("sha256:") ? "" : ":" + reference);
        var request = new RegistryHttp.Request("PUT", uri("manifests/" + reference), RegistryHttp.headers("Content-Type", mediaType),
                RequestBody.of(bytes), pushScope(), what);
        try (RegistryHttp.Response response = http.send(request)) {
            if (response.status() != 201 && response.status() != 200) {
                throw http.fail(response, what);
            }
            RegistryHttp.drain(response);
            String claimed = response.header("Docker-Content-Digest");
            if (claimed != null && !Digest.parse(claimed).equals(digest)) {
                throw new dev.osimg.blob.DigestMismatchException(what + ": the registry stored something else", digest, Digest.parse(claimed));
            }
        }
        return digest;
    }

    /**
     * The OCI 1.1 referrers index of a manifest ({@code GET /v2/<name>/referrers/<digest>}), or
     * null when the registry has no such API: distribution 2.8 answers 404, others 400 or 405,
     * and only an answer of the index media type counts as support.
     */
    public byte[] referrers(Digest digest) throws IOException {
        String what = "listing referrers of " + digest.shortHex() + " in " + host + "/" + name;
        var request = RegistryHttp.Request.of("GET", uri("referrers/" + digest), RegistryHttp.headers("Accept", MediaTypes.IMAGE_INDEX),
                pullScope(), what);
        try (RegistryHttp.Response response = http.send(request)) {
            String type = response.header("Content-Type");
            if (response.status() != 200 || type == null || !type.startsWith(MediaTypes.IMAGE_INDEX)) {
                RegistryHttp.drain(response);
                return null;
            }
            return SmallBlobs.readCapped(response.body(), what);
        }
    }

    /** Tags asked for per request; the registry may send fewer and a Link to the next page. */
    static final int TAG_PAGE = 100;
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

    /** Every tag of the repository ({@code GET /v2/<name>/tags/list}), page by page as the registry's {@code Link} headers lead. */
    public List<String> tags() throws IOException {
        return tags(TAG_PAGE);
    }

    /** Every tag of the repository, asking for {@code pageSize} per request. */
    public List<String> tags(int pageSize) throws IOException {
        String what = "listing the tags of " + host + "/" + name;
        List<String> tags = new java.util.ArrayList<>();
        URI next = uri("tags/list?n=" + pageSize);
        while (next != null) {
            var request = RegistryHttp.Request.of("GET", next, RegistryHttp.headers("Accept", "application/json"), pullScope(), what);
            try (RegistryHttp.Response response = send(request)) {
                if (response.status() != 200) {
                    throw http.fail(response, what);
                }
                var page = TAGS_JSON.readTree(SmallBlobs.readCapped(response.body(), what)).path("tags");
                page.forEach(t -> tags.add(t.asText()));
                String link = response.header("Link");
                Matcher m = link == null ? null : NEXT_LINK.matcher(link);
                next = m != null && m.find() ? response.uri().resolve(m.group(1)) : null;
            }
        }
        return tags;
    }

    private static final com.fasterxml.jackson.databind.json.JsonMapper TAGS_JSON =
            com.fasterxml.jackson.databind.json.JsonMapper.builder().build();

    /**
     * Deletes the manifest {@code digest} ({@code DELETE /v2/<name>/manifests/<digest>}) and with it every tag naming
     * it; a registry that does not allow deletes (405) is told apart from other failures.
     */
    public void deleteManifest(Digest digest) throws IOException {
        String what = "deleting manifest " + digest + " from " + host + "/" + name;
        var request = RegistryHttp.Request.of("DELETE", uri("manifests/" + digest), RegistryHttp.headers(),
                List.of("repository:" + name + ":delete"), what);
        try (RegistryHttp.Response response = send(request)) {
            if (response.status() == 202 || response.status() == 200) {
                RegistryHttp.drain(response);
                return;
            }
            if (response.status() == 405) {
                RegistryHttp.drain(response);
                throw new RegistryException(what + ": registry " + host + " does not allow deleting manifests (405); "
                        + "a distribution registry needs storage.delete.enabled", 405, List.of("UNSUPPORTED"));
            }
            throw http.fail(response, what);
        }
    }

    /** The size of a blob the repository has (HEAD), or empty when it has not. */
    public OptionalLong blobSize(Digest digest) throws IOException {
        String what = "checking for blob " + digest.shortHex() + " in " + host + "/" + name;
        var request = RegistryHttp.Request.of("HEAD", uri("blobs/" + digest), RegistryHttp.headers(), pullScope(), what);
        try (RegistryHttp.Response response = send(request)) {
            if (response.status() == 404) {
                return OptionalLong.empty();
            }
            if (response.status() != 200) {
                throw http.fail(response, what);
            }
            return OptionalLong.of(response.headers().firstValueAsLong("Content-Length").orElse(-1));
        }
    }

    /**
     * A stream of a blob's bytes as stored, exactly {@code descriptor.size()} long, that resumes
     * with {@code Range} when the connection breaks. Not digest-checked: callers hash it.
     */
    public InputStream openBlob(Descriptor descriptor) throws IOException {
        String what = "downloading blob " + descriptor.digest().shortHex() + " from " + host + "/" + name;
        URI uri = uri("blobs/" + descriptor.digest());
        InputStream resuming = new ResumingBlobInputStream((offset, budget) -> openBlobAt(descriptor, offset, what, budget),
                descriptor.size(), budget(what), host, Redaction.url(uri));
        return new ExactLengthInputStream(resuming, descriptor.size(), what);
    }

    private InputStream openBlobAt(Descriptor descriptor, long offset, String what, RetryPolicy.Budget budget) throws IOException {
        var headers = offset > 0 ? RegistryHttp.headers("Range", "bytes=" + offset + "-") : RegistryHttp.headers();
        var request = RegistryHttp.Request.of("GET", uri("blobs/" + descriptor.digest()), headers, pullScope(), what);
        RegistryHttp.Response response = http.send(request, budget);
        try {
            if (response.status() == 200) {
                InputStream body = response.body();
                // The server ignored the range (or none was asked): drop the bytes we already have.
                body.skipNBytes(offset);
                return body;
            }
            if (response.status() == 206 && offset > 0) {
                String range = response.header("Content-Range");
                Matcher m = range == null ? null : CONTENT_RANGE.matcher(range);
                if (m == null || !m.matches() || Long.parseLong(m.group(1)) != offset
                        || (!m.group(3).equals("*") && Long.parseLong(m.group(3)) != descriptor.size())) {
                    RegistryHttp.drain(response);
                    throw new RegistryException(what + ": asked to resume at byte " + offset + " of " + descriptor.size()
                            + " but " + host + " answered 206 with Content-Range " + (range == null ? "(missing)" : "\"" + range + "\"")
                            + "; stopping rather than risk a corrupt blob", 206, List.of());
                }
                return response.body();
            }
            throw http.fail(response, what);
        } catch (IOException | RuntimeException e) {
            RegistryHttp.drain(response);
            throw e;
        }
    }

    /**
     * A stream of {@code length} bytes of a blob from {@code offset}, asked for with one
     * {@code Range} (never a multi-range: real registries break on those) and resumed within the
     * range when the connection breaks. A {@code 200} (the server ignored the range) or a refusal
     * ({@code 400}, {@code 416}, {@code 501}) is a {@link RangeNotSupportedException}, so that the
     * caller can fall back to the whole blob. Not digest-checked: callers hash what they read.
     */
    public InputStream openBlobRange(Descriptor descriptor, long offset, long length) throws IOException {
        String what = "downloading bytes " + offset + "-" + (offset + length - 1) + " of blob " + descriptor.digest().shortHex()
                + " from " + host + "/" + name;
        if (length == 0) {
            return InputStream.nullInputStream();
        }
        URI uri = uri("blobs/" + descriptor.digest());
        InputStream resuming = new ResumingBlobInputStream(
                (done, budget) -> openRangeAt(descriptor, offset + done, offset + length - 1, what, budget),
                length, budget(what), host, Redaction.url(uri));
        return new ExactLengthInputStream(resuming, length, what);
    }

    private InputStream openRangeAt(Descriptor descriptor, long first, long last, String what, RetryPolicy.Budget budget)
            throws IOException {
        var request = RegistryHttp.Request.of("GET", uri("blobs/" + descriptor.digest()),
                RegistryHttp.headers("Range", "bytes=" + first + "-" + last), pullScope(), what);
        RegistryHttp.Response response = http.send(request, budget);
        try {
            int status = response.status();
            if (status == 200 || status == 400 || status == 416 || status == 501) {
                throw new RangeNotSupportedException(host + " answered " + status + " to a Range request for blob "
                        + descriptor.digest().shortHex() + (status == 200 ? " (it sent the whole blob)" : " (it refused the range)"));
            }
            if (status != 206) {
                throw http.fail(response, what);
            }
            String range = response.header("Content-Range");
            Matcher m = range == null ? null : CONTENT_RANGE.matcher(range);
            if (m == null || !m.matches() || Long.parseLong(m.group(1)) != first || Long.parseLong(m.group(2)) != last
                    || (!m.group(3).equals("*") && Long.parseLong(m.group(3)) != descriptor.size())) {
                throw new RegistryException(what + ": asked for bytes " + first + "-" + last + " of " + descriptor.size()
                        + " but " + host + " answered 206 with Content-Range " + (range == null ? "(missing)" : "\"" + range + "\"")
                        + "; stopping rather than risk a corrupt blob", 206, List.of());
            }
            return response.body();
        } catch (IOException | RuntimeException e) {
            // The body of a refused or mismatched range is of no use; close it instead of reading a whole blob.
            response.close();
            throw e;
        }
    }

    /**
     * Asks the registry to link a blob from another repository of the same registry. Returns
     * true when mounted; otherwise the upload session the registry opened instead (or null).
     */
    MountResult mount(Digest digest, String fromRepository) throws IOException {
        String what = "mounting blob " + digest.shortHex() + " from " + fromRepository + " into " + host + "/" + name;
        URI uri = uri("blobs/uploads/?mount=" + digest + "&from=" + fromRepository);
        List<String> scopes = List.of("repository:" + name + ":pull,push", "repository:" + fromRepository + ":pull");
        var request = new RegistryHttp.Request("POST", uri, RegistryHttp.headers(),
                null, scopes, what);
        try (RegistryHttp.Response response = http.send(request)) {
            RegistryHttp.drain(response);
            if (response.status() == 201) {
                return new MountResult(true, null);
            }
            if (response.status() == 202 && response.header("Location") != null) {
                return new MountResult(false, http.location(response, what));
            }
            return new MountResult(false, null);
        }
    }

    /** The outcome of a mount request. */
    record MountResult(boolean mounted, URI uploadSession) {
    }

    /** Uploads a blob the repository lacks (HEAD first, then mount or upload). */
    public dev.osimg.oci.BlobOutcome pushBlob(Descriptor descriptor, Blob blob, RegistryRepository mountFrom,
            dev.osimg.blob.Progress progress) throws IOException {
        return new BlobUpload(this, descriptor, blob, progress).run(mountFrom);
    }
}
