package io.jrq.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jrq.DependencyPolicy;
import io.jrq.EnqueueOptions;
import io.jrq.Uniqueness;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lines of {@code jrq enqueue --file}: every field, and every way a value can be wrong. */
class JobLineTest {
    private static final String FN = "\"fn\":\"io.jrq.demo.DemoJobs::noop\"";

    private final JobOptions base = new JobOptions();
    private final EnqueueOptions baseOptions = base.toOptions();

    private JobLine.Parsed parse(String fields) {
        return JobLine.parse("{" + FN + (fields.isEmpty() ? "" : "," + fields) + "}", "q", base, baseOptions);
    }

    private EnqueueOptions options(String fields) {
        return parse(fields).options();
    }

    @Test
    void aLineWithoutOptionsTakesTheCommandLinesAndCanBeSentWithOthers() {
        JobLine.Parsed p = JobLine.parse("{" + FN + ",\"args\":[1],\"queue\":\"other\"}", "q", base, baseOptions);

        assertThat(p.queue()).isEqualTo("other");
        assertThat(p.call().function()).isEqualTo("io.jrq.demo.DemoJobs::noop");
        assertThat(p.options()).isSameAs(baseOptions);
        assertThat(p.key()).isEmpty();
        assertThat(p.single()).isFalse();
        assertThat(parse("\"args\":null,\"queue\":null,\"id\":null").key())
                .as("null is the same as absent")
                .isEmpty();
    }

    @Test
    void everyFieldReachesTheEnqueueOptions() {
        EnqueueOptions o = options("\"id\":\"job-1\",\"at\":\"2030-01-31T09:00:00Z\",\"retry\":3,\"timeout\":\"2m\","
                + "\"unique\":\"report-7\",\"depends_on\":[\"other/a\",\"b\"],\"on_dependency_failure\":\"run\","
                + "\"meta\":{\"tenant\":\"acme\",\"by\":\"ops\"},\"description\":\"monthly report\","
                + "\"at_front\":true,\"result_ttl\":\"1h\"");

        assertThat(o.jobId()).isEqualTo("job-1");
        assertThat(o.at()).isEqualTo(Instant.parse("2030-01-31T09:00:00Z"));
        assertThat(o.delay()).isNull();
        assertThat(o.retry().maxAttempts()).isEqualTo(4);
        assertThat(o.timeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(o.uniqueKey()).isEqualTo("report-7");
        assertThat(o.uniqueness()).isEqualTo(Uniqueness.WHILE_ACTIVE);
        assertThat(o.dependsOn()).containsExactly("other/a", "q/b");
        assertThat(o.dependencyPolicy()).isEqualTo(DependencyPolicy.RUN);
        assertThat(o.meta()).containsExactly(Map.entry("tenant", "acme"), Map.entry("by", "ops"));
        assertThat(o.description()).isEqualTo("monthly report");
        assertThat(o.atFront()).isTrue();
        assertThat(o.resultTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(parse("\"id\":\"job-1\"").single()).isTrue();
        assertThat(parse("\"unique\":\"k\"").single()).isTrue();
        assertThat(parse("\"meta\":{\"a\":\"b\"}").single()).isFalse();
        assertThat(parse("\"meta\":{\"a\":\"b\"}").key())
                .isEqualTo(parse("\"meta\":{\"a\":\"b\"}").key())
                .isNotEqualTo(parse("\"meta\":{\"a\":\"c\"}").key());
    }

    @Test
    void delaysUniqueScopesAndRetryForms() {
        assertThat(options("\"in\":\"1h30m\"").delay()).isEqualTo(Duration.ofMinutes(90));
        assertThat(options("\"at\":\"2030-01-31T10:00+01:00\"").at()).isEqualTo(Instant.parse("2030-01-31T09:00:00Z"));

        EnqueueOptions queued = options("\"unique\":{\"key\":\"k\",\"scope\":\"queued\"}");
        assertThat(queued.uniqueness()).isEqualTo(Uniqueness.WHILE_QUEUED);
        EnqueueOptions ttl = options("\"unique\":{\"key\":\"k\",\"ttl\":\"1h\"}");
        assertThat(ttl.uniqueTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(ttl.uniqueness()).isNull();
        assertThat(options("\"unique\":{\"key\":\"k\",\"scope\":\"TTL\",\"ttl\":\"5s\"}")
                        .uniqueTtl())
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(options("\"depends_on\":\"other/x/y\"").dependsOn())
                .as("a queue name has no slash: the rest is the id")
                .containsExactly("other/x/y");

        assertThat(options("\"retry\":0").retry())
                .as("as --retry 0: the worker's default")
                .isNull();
        assertThat(options("\"retry\":{\"retries\":2,\"delay\":\"10s\"}")
                        .retry()
                        .delayAfter(1))
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(options("\"retry\":{\"delays\":[\"1s\",\"1m\"]}").retry().maxAttempts())
                .isEqualTo(3);
        assertThat(options("\"retry\":{\"delays\":[\"1s\",\"1m\"]}").retry().delayAfter(2))
                .isEqualTo(Duration.ofMinutes(1));
        EnqueueOptions exp = options("\"retry\":{\"retries\":5,\"base\":\"2s\",\"cap\":\"3s\",\"jitter\":0}");
        assertThat(exp.retry().maxAttempts()).isEqualTo(6);
        assertThat(exp.retry().delayAfter(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(exp.retry().delayAfter(4)).isEqualTo(Duration.ofSeconds(3));
        assertThat(options("\"retry\":{\"retries\":1}").retry().maxAttempts()).isEqualTo(2);
    }

    @Test
    void aLineReplacesTheCommandLinesOptionsAndAddsToItsMeta() {
        JobOptions flags = new JobOptions()
                .schedule(null, Duration.ofHours(1))
                .retry(JobOptions.retries(2, null))
                .meta(Map.of("by", "ops"))
                .description("from the flags");
        JobLine.Parsed p = JobLine.parse(
                "{" + FN + ",\"at\":\"2030-01-31T09:00:00Z\",\"retry\":0,\"meta\":{\"tenant\":\"acme\"}}",
                "q",
                flags,
                flags.toOptions());

        assertThat(p.options().delay()).isNull();
        assertThat(p.options().at()).isEqualTo(Instant.parse("2030-01-31T09:00:00Z"));
        assertThat(p.options().retry()).isNull();
        assertThat(p.options().meta()).containsExactly(Map.entry("by", "ops"), Map.entry("tenant", "acme"));
        assertThat(p.options().description()).isEqualTo("from the flags");
        assertThat(flags.toOptions().delay())
                .as("the command line's own are unchanged")
                .isEqualTo(Duration.ofHours(1));
    }

    @Test
    void badValuesNameTheirField() {
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        // wrong types
        bad.put("\"id\":42", "\"id\": must be a string (a job id), got: 42");
        bad.put("\"at\":1900000000", "\"at\": must be a string (an ISO-8601 time");
        bad.put("\"in\":30", "\"in\": must be a duration in a string, such as \"30s\", got: 30");
        bad.put("\"timeout\":true", "\"timeout\": must be a duration in a string");
        bad.put("\"result_ttl\":[1]", "\"result_ttl\": must be a duration in a string");
        bad.put("\"retry\":\"3\"", "\"retry\": must be a number of retries (0 to 999) or an object");
        bad.put("\"retry\":1.5", "\"retry\": must be a number of retries (0 to 999) or an object");
        bad.put("\"unique\":7", "\"unique\": must be a key or an object");
        bad.put("\"depends_on\":{\"q\":\"a\"}", "\"depends_on\": must be a string \"QUEUE/ID\" or an array of them");
        bad.put("\"depends_on\":[1]", "\"depends_on\": must be a string \"QUEUE/ID\" or an array of them, got: 1");
        bad.put("\"on_dependency_failure\":false", "\"on_dependency_failure\": must be a string (cancel or run)");
        bad.put("\"meta\":[\"a\"]", "\"meta\": must be an object of strings");
        bad.put("\"meta\":{\"n\":1}", "\"meta\": the value of \"n\" must be a string, got: 1");
        bad.put("\"meta\":{\"n\":{\"a\":\"b\"}}", "\"meta\": the value of \"n\" must be a string");
        bad.put("\"description\":{}", "\"description\": must be a string");
        bad.put("\"at_front\":\"yes\"", "\"at_front\": must be true or false, got: \"yes\"");
        // bad durations and instants
        bad.put("\"in\":\"soon\"", "\"in\": 'soon' is not a duration; use for example 500ms");
        bad.put("\"timeout\":\"-5s\"", "\"timeout\": '-5s' is not a duration");
        bad.put("\"timeout\":\"0s\"", "\"timeout\": must be at least 1ms, got: 0s");
        bad.put("\"result_ttl\":\"500ms\"", "\"result_ttl\": must be at least 1s, got: 500ms");
        bad.put("\"at\":\"tomorrow\"", "\"at\": 'tomorrow' is not a time; use ISO-8601");
        bad.put("\"at\":\"2030-01-31T09:00:00Z\",\"in\":\"1h\"", "\"at\" and \"in\": give one, not both");
        // bad values
        bad.put("\"id\":\"no spaces\"", "\"id\": job id must be 1-128 characters");
        bad.put("\"id\":\"\"", "\"id\": job id must be 1-128 characters");
        bad.put("\"retry\":1000", "\"retry\": the number of retries must be between 0 and 999, got: 1000");
        bad.put("\"retry\":-1", "\"retry\": the number of retries must be between 0 and 999, got: -1");
        bad.put(
                "\"retry\":{\"retries\":3,\"backoff\":\"FIXED\"}",
                "\"retry\": unknown field \"backoff\" (known: retries,");
        bad.put("\"retry\":{\"delay\":\"1s\"}", "\"retry.retries\": must be a number of retries (0 to 999), got: null");
        bad.put("\"retry\":{\"retries\":2,\"delay\":\"later\"}", "\"retry.delay\": 'later' is not a duration");
        bad.put(
                "\"retry\":{\"retries\":2,\"delay\":\"1s\",\"cap\":\"1m\"}",
                "\"retry\": \"delay\" (a fixed wait) does not go");
        bad.put("\"retry\":{\"delays\":[]}", "\"retry.delays\": must be an array of 1 to 999 durations");
        bad.put("\"retry\":{\"delays\":[\"1s\",5]}", "\"retry.delays\": must be a duration in a string");
        bad.put("\"retry\":{\"delays\":[\"1s\"],\"retries\":1}", "\"retry\": \"delays\" goes alone");
        bad.put(
                "\"retry\":{\"retries\":2,\"base\":\"1m\",\"cap\":\"1s\"}",
                "\"retry.cap\": must be at least the base (1m)");
        bad.put("\"retry\":{\"retries\":2,\"base\":\"0s\"}", "\"retry.base\": must be at least 1ms");
        bad.put("\"retry\":{\"retries\":2,\"jitter\":2}", "\"retry.jitter\": must be a number from 0 to 1, got: 2");
        bad.put("\"unique\":\"\"", "\"unique\": the key must be 1-200 characters, got 0");
        bad.put("\"unique\":{\"scope\":\"queued\"}", "\"unique.key\": must be a string, got: null");
        bad.put(
                "\"unique\":{\"key\":\"k\",\"scope\":\"forever\"}",
                "\"unique\": the scope must be queued, active or ttl");
        bad.put("\"unique\":{\"key\":\"k\",\"scope\":\"ttl\"}", "\"unique\": scope ttl needs a ttl");
        bad.put(
                "\"unique\":{\"key\":\"k\",\"scope\":\"queued\",\"ttl\":\"1h\"}",
                "\"unique\": a ttl goes with scope ttl");
        bad.put("\"unique\":{\"key\":\"k\",\"ttl\":\"0s\"}", "\"unique\": the ttl must be at least 1ms");
        bad.put("\"unique\":{\"key\":\"k\",\"ttl\":\"eventually\"}", "\"unique.ttl\": 'eventually' is not a duration");
        bad.put(
                "\"unique\":{\"key\":\"k\",\"for\":\"1h\"}",
                "\"unique\": unknown field \"for\" (known: key, scope, ttl)");
        // bad refs
        bad.put("\"depends_on\":\"bad queue/a\"", "\"depends_on\": 'bad queue/a' is not QUEUE/ID: queue names are");
        bad.put("\"depends_on\":[\"q/\"]", "\"depends_on\": 'q/' is not QUEUE/ID: the job id must be 1-128 characters");
        bad.put("\"depends_on\":\"/a\"", "\"depends_on\": '/a' is not QUEUE/ID");
        bad.put("\"depends_on\":\"a b\"", "\"depends_on\": 'a b' is not QUEUE/ID: the job id");
        bad.put(
                "\"on_dependency_failure\":\"ignore\"",
                "\"on_dependency_failure\": must be cancel or run, got: 'ignore'");
        bad.put("\"meta\":{\"\":\"x\"}", "\"meta\": a key must not be empty");
        bad.put("\"description\":\"" + "d".repeat(1001) + "\"", "\"description\": must be at most 1000 characters");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            assertThatThrownBy(() -> parse(e.getKey()))
                    .as(e.getKey())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(e.getValue());
        }
    }

    @Test
    void unknownFieldsListEveryKnownOne() {
        assertThatThrownBy(() -> parse("\"ID\":\"a\""))
                .hasMessage("unknown field \"ID\" (known: fn, args, queue, id, at, in, retry, timeout, unique,"
                        + " depends_on, on_dependency_failure, meta, description, at_front, result_ttl)");
        assertThat(JobLine.FIELDS).hasSize(15).doesNotHaveDuplicates();
        assertThatThrownBy(() -> JobLine.parse("[1]", "q", base, baseOptions))
                .hasMessage("expected a JSON object {\"fn\":..., \"args\":[...], \"queue\":...}");
        assertThatThrownBy(() -> JobLine.parse("{\"fn\":1}", "q", base, baseOptions))
                .hasMessageStartingWith("\"fn\" must be a string");
        assertThatThrownBy(() -> JobLine.parse("{\"fn\":\"x\",\"args\":{}}", "q", base, baseOptions))
                .hasMessage("\"args\" must be an array");
        assertThatThrownBy(() -> JobLine.parse("{\"fn\":\"x\",\"queue\":\"a b\"}", "q", base, baseOptions))
                .hasMessageStartingWith("queue name must be");
    }

    @Test
    void commandLineOptionsCheckTheirValuesToo() {
        assertThatThrownBy(() -> JobOptions.ref("q/a b", "q")).hasMessageContaining("is not QUEUE/ID");
        assertThat(JobOptions.ref("a", "q")).containsExactly("q", "a");
        assertThat(JobOptions.policy("RUN")).isEqualTo(DependencyPolicy.RUN);
        assertThat(JobOptions.scope("Queued")).isEqualTo(Uniqueness.WHILE_QUEUED);
        assertThat(new JobOptions().dependsOn(List.of("x/1"), "q").toOptions().dependsOn())
                .containsExactly("x/1");
    }
}
