package dev.osimg.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.osimg.testing.StaleTemporaries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Logins stored and removed at the same time all land, and what a killed login left behind is swept. */
class AuthFileTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    @Test
    void concurrentStoresAndRemovesNeverLoseAnEntry() throws Exception {
        Path file = dir.resolve("auth.json");
        int writers = 6;
        int rounds = 40;
        CyclicBarrier start = new CyclicBarrier(writers);
        List<Future<?>> done = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        AuthFile.store(file, "keep-" + writer + "-" + i + ".example", new Credential("u" + writer, "p" + i));
                        AuthFile.store(file, "drop-" + writer + "-" + i + ".example", new Credential("u", "p"));
                        assertThat(AuthFile.remove(file, "drop-" + writer + "-" + i + ".example")).isTrue();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        JsonNode auths = JSON.readTree(file.toFile()).path("auths");
        assertThat(auths.size()).isEqualTo(writers * rounds);
        for (int w = 0; w < writers; w++) {
            for (int i = 0; i < rounds; i++) {
                assertThat(auths.has("keep-" + w + "-" + i + ".example")).as("keep-%d-%d", w, i).isTrue();
            }
        }
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("auth.json");
        }
    }

    @Test
    void aTemporaryOfADeadLoginIsSweptAndALiveOnesIsKept() throws Exception {
        Path file = dir.resolve("auth.json");
        Path dead = Files.writeString(dir.resolve(StaleTemporaries.ofExitedProcess("auth.json")), "{\"auths\": {\"half");
        Path live = Files.writeString(dir.resolve(StaleTemporaries.ofThisProcess("auth.json")), "{}");
        AuthFile.store(file, "r.example", new Credential("u", "p"));
        assertThat(dead).doesNotExist();
        assertThat(live).exists();
        Path deadAgain = Files.writeString(dir.resolve(StaleTemporaries.ofExitedProcess("auth.json")), "{");
        assertThat(AuthFile.remove(file, "r.example")).isTrue();
        assertThat(deadAgain).doesNotExist();
        assertThat(live).exists();
    }
}
