package io.jrq.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.jrq.EnqueueOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** The command line's parsing and formatting, without Redis. */
class ParsingTest {
    @Test
    void readsDurationsAsPeopleWriteThem() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("PT5S")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Durations.parse("pt0.25s")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("0s")).isZero();
        for (String bad : List.of("", "5", "s", "-5s", "5 s", "5sec", "PT-5S", "1h 30m", "soon")) {
            assertThatThrownBy(() -> Durations.parse(bad))
                    .as(bad)
                    .isInstanceOf(TypeConversionException.class)
                    .hasMessageContaining("'" + bad + "'");
        }
        assertThat(Durations.format(Duration.ofMillis(90_250))).isEqualTo("1m30s250ms");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    }

    @Test
    void readsTimesAsInstantsOrLocalDateTimes() {
        Times times = new Times(ZoneId.of("Europe/Paris"));
        assertThat(times.convert("2030-01-31T09:00:00Z")).isEqualTo(Instant.parse("2030-01-31T09:00:00Z"));
        assertThat(times.convert("2030-01-31T10:00+01:00")).isEqualTo(Instant.parse("2030-01-31T09:00:00Z"));
        assertThat(times.convert("2030-01-31T10:00")).isEqualTo(Instant.parse("2030-01-31T09:00:00Z"));
        assertThat(times.convert("2030-01-31 10:00:30")).isEqualTo(Instant.parse("2030-01-31T09:00:30Z"));
        assertThat(times.convert("2030-07-31T10:00+02:00[Europe/Paris]"))
                .isEqualTo(Instant.parse("2030-07-31T08:00:00Z"));
        assertThatThrownBy(() -> times.convert("tomorrow"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("'tomorrow' is not a time")
                .hasMessageContaining("Europe/Paris");
    }

    @Test
    void argumentsAreJsonOrBareWords() {
        JsonNode a = JsonArgs.parse(List.of(
                "42",
                "-7",
                "1.10",
                "true",
                "null",
                "\"quoted\"",
                "hello world",
                "12abc",
                "{\"a\":[1]}",
                "[1, \"x\"]",
                ""));
        assertThat(a.toString())
                .isEqualTo("[42,-7,1.1,true,null,\"quoted\",\"hello world\",\"12abc\",{\"a\":[1]},[1,\"x\"],\"\"]");
        assertThatThrownBy(() -> JsonArgs.parse(List.of("ok", "{\"a\":")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("argument 2 is not valid JSON: at column 6: Unexpected end-of-input")
                .hasMessageEndingWith(": {\"a\":");
        assertThatThrownBy(() -> JsonArgs.parse(List.of(" [1, 2] 3")))
                .hasMessageStartingWith("argument 1 is not valid JSON: at column 9");
        assertThat(JsonArgs.parse(List.of("1 2")).toString())
                .as("not JSON and not meant as JSON")
                .isEqualTo("[\"1 2\"]");
    }

    @Test
    void checksFunctionNames() {
        assertThat(Functions.problem("com.example.Jobs::send")).isNull();
        assertThat(Functions.problem("com.example.Outer$Inner::run_1")).isNull();
        assertThat(Functions.problem("send-email")).isNull();
        assertThat(Functions.problem("mail:send.v2")).isNull();
        assertThat(Functions.problem("com.example.Jobs::")).contains("is not a method name");
        assertThat(Functions.problem("::send")).contains("is not a method name");
        assertThat(Functions.problem("com..Jobs::send")).contains("is not a method name");
        assertThat(Functions.problem("send email")).contains("is neither a method");
        assertThat(Functions.problem("")).contains("empty");
    }

    @Test
    void jobSettingsBecomeTheCoresEnqueueOptions() {
        JobSettings settings = new JobSettings(null, Duration.ofMinutes(1), 2, null, Duration.ofSeconds(30));
        EnqueueOptions o = settings.toOptions();
        assertThat(o.delay()).isEqualTo(Duration.ofMinutes(1));
        assertThat(o.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.retry().maxAttempts()).isEqualTo(3);
        assertThat(new JobSettings(null, null, 1, Duration.ofMillis(10), null)
                        .toOptions()
                        .retry()
                        .maxAttempts())
                .isEqualTo(2);
        assertThat(JobSettings.NONE.toOptions().retry()).isNull();
    }

    @Test
    void tablesAlignColumnsAndTerminalsColourOnlyWhenAllowed() {
        StringWriter s = new StringWriter();
        Terminal plain = Terminal.of(false, false);
        new Table("NAME", ">COUNT", "NOTE")
                .row("a", "1", "x")
                .row("longer", "1,000", "")
                .print(new PrintWriter(s, true), plain);
        assertThat(s.toString()).isEqualTo("NAME    COUNT  NOTE\na           1  x\nlonger  1,000\n");

        Terminal colour = Terminal.of(true, true);
        assertThat(colour.red("x")).isEqualTo("\u001b[31mx\u001b[0m");
        assertThat(Terminal.visibleLength(colour.bold("abc"))).isEqualTo(3);
        assertThat(plain.red("x")).isEqualTo("x");
        assertThat(plain.clearScreen()).isEmpty();
    }

    @Test
    void progressBarsStayOffATerminal() {
        StringWriter s = new StringWriter();
        try (ProgressBar bar = new ProgressBar(new PrintWriter(s, true), Terminal.of(false, false), "jobs", 10)) {
            bar.update(5);
        }
        assertThat(s.toString()).isEmpty();
        try (ProgressBar bar = new ProgressBar(new PrintWriter(s, true), Terminal.of(true, false), "jobs", 10)) {
            bar.update(5);
        }
        assertThat(s.toString())
                .startsWith("\r[###############...............]  50%  5 jobs")
                .endsWith("\r\u001b[2K");
    }

    @Test
    void formatsForPeople() {
        assertThat(Text.ago(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(Text.ago(Duration.ofMillis(1234))).isEqualTo("1.2s");
        assertThat(Text.ago(Duration.ofSeconds(192))).isEqualTo("3m12s");
        assertThat(Text.ago(Duration.ofSeconds(3 * 3600 + 125))).isEqualTo("3h2m");
        assertThat(Text.count(100_000)).isEqualTo("100,000");
        assertThat(Text.elapsed(2_500_000)).isEqualTo("3 ms");
        assertThat(Text.elapsed(1_234_000_000)).isEqualTo("1.23 s");
        assertThat(Text.elapsed(4_323_400_000_000L)).isEqualTo("1h12m3s");
    }
}
