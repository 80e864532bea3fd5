package dev.osimg.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChallengeParserTest {
    @Test
    void parsesDistributionBearerChallenge() {
        List<Challenge> c = ChallengeParser.parse(
                "Bearer realm=\"https://auth.example/token\",service=\"registry.example\",scope=\"repository:os/a:pull,push\"");
        assertThat(c).hasSize(1);
        assertThat(c.getFirst().scheme()).isEqualTo("bearer");
        assertThat(c.getFirst().params()).isEqualTo(Map.of("realm", "https://auth.example/token",
                "service", "registry.example", "scope", "repository:os/a:pull,push"));
    }

    @Test
    void handlesEscapesCommasInQuotesSpacesAndCaseInsensitiveNames() {
        List<Challenge> c = ChallengeParser.parse("BEARER  Realm = \"a\\\"b,c\" , Service=tok-en ,");
        assertThat(c.getFirst().param("realm")).isEqualTo("a\"b,c");
        assertThat(c.getFirst().param("SERVICE")).isEqualTo("tok-en");
    }

    @Test
    void separatesSeveralChallengesAndToken68() {
        List<Challenge> c = ChallengeParser.parse("Newauth realm=\"apps\", type=1, title=\"Login to \\\"apps\\\"\", Basic realm=\"simple\", Negotiate abc+/==");
        assertThat(c).extracting(Challenge::scheme).containsExactly("newauth", "basic", "negotiate");
        assertThat(c.get(0).params()).containsEntry("title", "Login to \"apps\"").containsEntry("type", "1");
        assertThat(c.get(1).param("realm")).isEqualTo("simple");
        assertThat(c.get(2).token68()).isEqualTo("abc+/==");
    }

    @Test
    void parsesSeveralHeaderValuesAndBareSchemes() {
        List<Challenge> c = ChallengeParser.parse(List.of("Basic", "Bearer realm=x"));
        assertThat(c).extracting(Challenge::scheme).containsExactly("basic", "bearer");
        assertThat(c.get(1).param("realm")).isEqualTo("x");
    }

    @Test
    void rejectsUnterminatedQuotesAndDuplicateParameters() {
        assertThatThrownBy(() -> ChallengeParser.parse("Bearer realm=\"abc")).hasMessageContaining("unterminated");
        assertThatThrownBy(() -> ChallengeParser.parse("Bearer realm=a, realm=b")).hasMessageContaining("twice");
    }
}
