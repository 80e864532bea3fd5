package dev.osimg.serve;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/** serve's reading of what clients send: request paths with their query, and Range headers. */
class RequestParsingFuzzTest {
    @FuzzTest(maxDuration = "2m")
    void rangeHeaders(FuzzedDataProvider data) {
        long size = data.consumeLong(0, Long.MAX_VALUE);
        String header = data.consumeRemainingAsString();
        if (ByteRange.parse(header, size) instanceof ByteRange.Part part) {
            ByteRange r = part.range();
            if (r.start() < 0 || r.end() >= size || r.start() > r.end() || r.length() <= 0) {
                throw new AssertionError("range " + r + " outside a blob of " + size + " bytes for \"" + header + "\"");
            }
        }
    }

    @FuzzTest(maxDuration = "2m")
    void requestPaths(FuzzedDataProvider data) {
        String query = data.consumeBoolean() ? data.consumeString(200) : null;
        String path = data.consumeRemainingAsString();
        Route route = Route.parse(path, query);
        if (route instanceof Route.Tags t && (t.n() < -1 || t.n() > Route.MAX_PAGE)) {
            throw new AssertionError("page size " + t.n());
        }
    }
}
