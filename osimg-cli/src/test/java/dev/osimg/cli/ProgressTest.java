package dev.osimg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** Progress says "done" only for steps that finished, and bar labels fit 80 columns. */
class ProgressTest {
    @Test
    void aPhaseIsReportedDoneOnlyOnceTheNextOneBeganOrTheCommandSucceeded() {
        StringWriter text = new StringWriter();
        PhaseLog log = new PhaseLog(dev.osimg.blob.Progress.NONE, new PrintWriter(text));
        log.begin("ESP", 100);
        log.advance(100);
        log.end();
        assertThat(text.toString()).isEmpty();
        log.begin("system", 100);
        log.advance(10);
        log.end(); // held: had the phase failed, the command would stop here and never print it
        assertThat(text.toString()).contains("ESP     done: 100 B").doesNotContain("system");
        log.begin("table", -1);
        log.end();
        log.succeeded();
        assertThat(text.toString()).contains("system  done").contains("table   done");
    }

    @Test
    void longLabelsKeepTheirFirstWord() {
        assertThat(ConsoleProgress.label("payload system")).isEqualTo("payload system");
        assertThat(ConsoleProgress.label("copy oci:/var/lib/images/node:v1 -> registry.example.com:5000/os/node:v1")).isEqualTo("copy");
    }

    @Test
    void barsShowSizesInTheirUnitAndASpeedOnlyOnceMeasured() {
        String start = BarRenderer.render("copy", 0, 30 << 20, java.time.Duration.ZERO, 79);
        assertThat(start).startsWith("copy   0% [>").endsWith("] 0 B / 30.0 MiB").doesNotContain("?").hasSizeLessThanOrEqualTo(79);
        String small = BarRenderer.render("payload kernel.efi", 20_000, 40_000, java.time.Duration.ofSeconds(2), 79);
        assertThat(small).contains(" 50% [").contains("19.5 KiB / 39.1 KiB  9.8 KiB/s").hasSize(79);
        assertThat(BarRenderer.render("copy", 5, 10, java.time.Duration.ofSeconds(1), 30)).isEqualTo("copy  50% 5 B / 10 B  5 B/s");
    }
}
