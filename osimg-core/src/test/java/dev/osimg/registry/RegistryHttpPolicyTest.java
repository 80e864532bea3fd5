package dev.osimg.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class RegistryHttpPolicyTest {
    @Test
    void retriesExactlyTheTransientStatuses() {
        for (int status : new int[] {408, 425, 429, 499, 500, 502, 503, 504, 507, 599}) {
            assertThat(RegistryHttp.isRetryable(status)).as("status %d", status).isTrue();
        }
        for (int status : new int[] {200, 201, 400, 401, 403, 404, 409, 416, 501, 505, 511}) {
            assertThat(RegistryHttp.isRetryable(status)).as("status %d", status).isFalse();
        }
    }

    @Test
    void readsRetryAfterAsSecondsOrHttpDate() {
        assertThat(RegistryHttp.retryAfter("7")).isEqualTo(Duration.ofSeconds(7));
        String inTenSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(10));
        assertThat(RegistryHttp.retryAfter(inTenSeconds)).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(10));
        assertThat(RegistryHttp.retryAfter("soon")).isNull();
        assertThat(RegistryHttp.retryAfter(null)).isNull();
    }

    @Test
    void redactsQueryValuesButTheDistributionApisPublicOnes() {
        String shown = Redaction.url(URI.create("https://user:pw@r.example/v2/os/blobs/uploads/x?_state=SECRET&digest=sha256:ab&scope=repository:os:pull&service=r"));
        assertThat(shown).isEqualTo("https://r.example/v2/os/blobs/uploads/x?_state=REDACTED&digest=sha256:ab&scope=repository:os:pull&service=r");
        assertThat(Redaction.url(URI.create("https://t.example/token?token=T0K&access_token=A&password=PW&account=u&service=r&n=2&last=v1")))
                .isEqualTo("https://t.example/token?token=REDACTED&access_token=REDACTED&password=REDACTED&account=REDACTED&service=r&n=2&last=v1");
    }

    @Test
    void usesPlainHttpOnlyForLoopbackUnlessAsked() {
        assertThat(RegistryHttp.isLoopback("localhost:5000")).isTrue();
        assertThat(RegistryHttp.isLoopback("127.1.2.3:80")).isTrue();
        assertThat(RegistryHttp.isLoopback("[::1]:5000")).isTrue();
        assertThat(RegistryHttp.isLoopback("registry.example:5000")).isFalse();
        assertThat(RegistryHttp.isLoopback("128.0.0.1")).isFalse();
    }

    @Test
    void credentialNeverShowsItsSecret() {
        assertThat(new Credential("u", "hunter2").toString()).doesNotContain("hunter2");
    }
}
