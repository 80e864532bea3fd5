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
}
