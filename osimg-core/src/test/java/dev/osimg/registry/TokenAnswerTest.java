package dev.osimg.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A token server's answer is read whatever lifetime it claims. */
class TokenAnswerTest {
    private static Authenticator.Token parse(String json) throws Exception {
        return Authenticator.parseToken(json.getBytes(StandardCharsets.UTF_8), "getting a token");
    }

    @Test
    void anEndlessLifetimeIsRenewedWithinADay() throws Exception {
        Authenticator.Token token = parse("{\"token\":\"t\",\"expires_in\":9223372036854775807}");
        assertThat(token.value()).isEqualTo("t");
        assertThat(Duration.between(Instant.now(), token.renewAfter())).isBetween(Duration.ofHours(20), Duration.ofDays(1));
        assertThat(parse("{\"access_token\":\"a\",\"expires_in\":-5}").value()).isEqualTo("a");
        assertThatThrownBy(() -> parse("[]")).hasMessageContaining("neither");
    }
}
