package io.jrq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jrq.JobInfo;
import io.jrq.JobStatus;
import io.jrq.internal.Keys;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The options of one job, given as {@code jrq enqueue} flags or as fields of a {@code --file} line,
 * reach the stored job: what the public API shows is read with it, the rest (retry policy, timeout,
 * result TTL) from the stored payload, whose fields docs/PROTOCOL.md describes.
 */
class CliEnqueueOptionsIT extends CliSupport {
    private static final String NOOP = "io.jrq.demo.DemoJobs::noop";
    private static final String ECHO = "io.jrq.demo.DemoJobs::echo";

    @Test
    void everyFlagReachesTheStoredJob() {
        Cli.Result dep = cli.run("enqueue", "-q", queue, NOOP, "1", "--id", "dep-1", "--in", "1h");
        Cli.Result main = cli.run(
                "enqueue",
                "-q",
                queue,
                ECHO,
                "x",
                "--id",
                "job-1",
                "--depends-on",
                "dep-1",
                "--on-dependency-failure",
                "run",
                "--meta",
                "tenant=acme",
                "--meta",
                "by=ops=1",
                "--description",
                "monthly report",
                "--retry",
                "2",
                "--retry-delay",
                "10ms",
                "--timeout",
                "5s",
                "--unique",
                "report-7",
                "--unique-scope",
                "queued",
                "--result-ttl",
                "1h");
        Cli.Result duplicate = cli.run("enqueue", "-q", queue, ECHO, "y", "--unique", "report-7");
        Cli.Result back = cli.run("enqueue", "-q", queue, NOOP, "2");
        Cli.Result front = cli.run("enqueue", "-q", queue, NOOP, "3", "--at-front");
        Cli.Result bad = cli.run("enqueue", "-q", queue, NOOP, "4", "--meta", "tenant=acme", "--depends-on", "q/a b");

        for (Cli.Result r : List.of(dep, main, duplicate, back, front)) {
            assertThat(r.exitCode()).as(r.toString()).isZero();
        }
        assertThat(main.out()).isEqualTo("job-1\n");
        assertThat(duplicate.out())
                .as("the unique key is held: the existing job")
                .isEqualTo("job-1\n");
        JobInfo job = jrq.admin().job(queue, "job-1").orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.DEFERRED);
        assertThat(job.dependsOn()).containsExactly(queue + "/dep-1");
        assertThat(job.meta()).isEqualTo(Map.of("tenant", "acme", "by", "ops=1"));
        assertThat(job.description()).isEqualTo("monthly report");
        JsonNode payload = payload("job-1");
        assertThat(payload.get("retry").get("max").asInt()).isEqualTo(3);
        assertThat(payload.get("retry").get("backoff").asText()).isEqualTo("FIXED");
        assertThat(payload.get("retry").get("delays").toString()).isEqualTo("[10]");
        assertThat(payload.get("timeout").asLong()).isEqualTo(5000);
        assertThat(payload.get("ttl").asLong()).isEqualTo(3600);
        assertThat(jrq.admin().jobs(queue, JobStatus.QUEUED, 0, 10))
                .extracting(JobInfo::id)
                .containsExactly(front.out().strip(), back.out().strip());
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).startsWith("jrq: --depends-on: 'q/a b' is not QUEUE/ID: the job id must be");
        assertThat(jrq.admin().queue(queue).count(JobStatus.QUEUED))
                .as("nothing stored")
                .isEqualTo(2);

        // With "run", the job runs once its dependency has ended, even canceled.
        jrq.queue(queue).job("dep-1").orElseThrow().cancel();
        assertThat(eventually(
                        () -> jrq.admin().job(queue, "job-1").orElseThrow().status() == JobStatus.QUEUED))
                .isTrue();
    }

    @Test
    void everyLineFieldReachesTheStoredJobAndABadLineStoresNothing() throws IOException {
        Path file = tmp.resolve("jobs.jsonl");
        Files.write(
                file,
                List.of(
                        "{\"fn\":\"" + NOOP + "\",\"args\":[1],\"id\":\"dep-a\",\"in\":\"1h\"}",
                        "{\"fn\":\"" + ECHO + "\",\"args\":[\"x\"],\"id\":\"job-a\",\"depends_on\":[\"dep-a\"],"
                                + "\"on_dependency_failure\":\"run\",\"meta\":{\"tenant\":\"acme\"},"
                                + "\"description\":\"monthly report\",\"retry\":{\"retries\":2,\"delay\":\"10ms\"},"
                                + "\"timeout\":\"5s\",\"unique\":{\"key\":\"report-7\",\"scope\":\"queued\"},"
                                + "\"result_ttl\":\"1h\"}",
                        "{\"fn\":\"" + ECHO + "\",\"args\":[\"y\"],\"unique\":\"report-7\"}",
                        "{\"fn\":\"" + NOOP + "\",\"args\":[4],\"at\":\"2099-01-31T09:00:00Z\"}",
                        "{\"fn\":\"" + NOOP + "\",\"args\":[5]}",
                        "{\"fn\":\"" + NOOP + "\",\"args\":[6],\"at_front\":true}",
                        "{\"fn\":\"" + NOOP + "\",\"args\":[7],\"retry\":{\"delays\":[\"1s\",\"1m\"]}}",
                        "{\"fn\":\"" + NOOP + "\",\"args\":[8],\"retry\":{\"delays\":[\"1s\",\"1m\"]}}",
                        "{\"fn\":\"" + NOOP + "\",\"args\":[9],\"id\":\"bad-9\",\"timeout\":\"soon\"}",
                        "{\"fn\":\"" + NOOP + "\",\"args\":[10],\"id\":\"job-a\"}",
                        "{\"fn\":\"" + NOOP + "\",\"args\":[11],\"Id\":\"x\"}",
                        "{\"fn\":\"" + NOOP + "\",\"args\":[12],\"meta\":{\"n\":12}}"),
                StandardCharsets.UTF_8);

        Cli.Result r = cli.run("enqueue", "--file", file.toString(), "-q", queue, "--json", "--meta", "by=ops");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.FAILED);
        List<JsonNode> out = r.lines().stream().map(CliEnqueueOptionsIT::json).toList();
        assertThat(out).extracting(o -> o.get("line").asInt()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(out.get(0).get("id").asText()).isEqualTo("dep-a");
        assertThat(out.get(1).get("id").asText()).isEqualTo("job-a");
        assertThat(out.get(2).get("id").asText())
                .as("the unique key is held: the existing job")
                .isEqualTo("job-a");
        String at = "jrq: " + file + ":";
        // Lines are checked as they are read, the core's refusals come when their batch is sent.
        assertThat(r.err().lines().toList())
                .as(r.toString())
                .containsExactly(
                        at + "9: \"timeout\": 'soon' is not a duration; use for example 500ms, 5s, 2m, 1h, 1h30m or"
                                + " PT5S; skipped",
                        at + "11: unknown field \"Id\" (known: fn, args, queue, id, at, in, retry, timeout, unique,"
                                + " depends_on, on_dependency_failure, meta, description, at_front, result_ttl);"
                                + " skipped",
                        at + "12: \"meta\": the value of \"n\" must be a string, got: 12; skipped",
                        at + "10: a job with id 'job-a' already exists in this queue, with another function,"
                                + " arguments or options; nothing was stored: choose another id or let jrq generate"
                                + " one; skipped",
                        "jrq: 4 bad lines were skipped (see above)");
        assertThat(jrq.admin().job(queue, "bad-9"))
                .as("nothing of a bad line is stored")
                .isEmpty();

        JobInfo job = jrq.admin().job(queue, "job-a").orElseThrow();
        assertThat(job.status()).isEqualTo(JobStatus.DEFERRED);
        assertThat(job.dependsOn()).containsExactly(queue + "/dep-a");
        assertThat(job.meta()).isEqualTo(Map.of("by", "ops", "tenant", "acme"));
        assertThat(job.description()).isEqualTo("monthly report");
        JsonNode payload = payload("job-a");
        assertThat(payload.get("retry").get("max").asInt()).isEqualTo(3);
        assertThat(payload.get("retry").get("delays").toString()).isEqualTo("[10]");
        assertThat(payload.get("timeout").asLong()).isEqualTo(5000);
        assertThat(payload.get("ttl").asLong()).isEqualTo(3600);
        assertThat(jrq.admin().job(queue, "dep-a").orElseThrow().dueAt().orElseThrow())
                .isBetween(Instant.now().plusSeconds(3500), Instant.now().plusSeconds(3700));
        assertThat(jrq.admin()
                        .job(queue, out.get(3).get("id").asText())
                        .orElseThrow()
                        .dueAt())
                .contains(Instant.parse("2099-01-31T09:00:00Z"));
        List<String> queued = jrq.admin().jobs(queue, JobStatus.QUEUED, 0, 10).stream()
                .map(JobInfo::id)
                .toList();
        assertThat(queued)
                .as("line 6 at the front")
                .containsExactly(
                        out.get(5).get("id").asText(),
                        out.get(4).get("id").asText(),
                        out.get(6).get("id").asText(),
                        out.get(7).get("id").asText());
        for (int line : new int[] {7, 8}) {
            JsonNode retry = payload(out.get(line - 1).get("id").asText()).get("retry");
            assertThat(retry.get("backoff").asText()).isEqualTo("INTERVALS");
            assertThat(retry.get("delays").toString()).isEqualTo("[1000,60000]");
        }
        assertThat(payload(out.get(4).get("id").asText()).get("meta").toString())
                .as("--meta applies to every line")
                .isEqualTo("{\"by\":\"ops\"}");

        jrq.queue(queue).job("dep-a").orElseThrow().cancel();
        assertThat(eventually(
                        () -> jrq.admin().job(queue, "job-a").orElseThrow().status() == JobStatus.QUEUED))
                .isTrue();
    }

    @Test
    void anUnknownCommandIsAUsageErrorEvenWithHelp() {
        Cli.Result r = cli.run("dashbord", "--help");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err())
                .startsWith("jrq: unknown command 'dashbord' for 'jrq'\n")
                .contains("Did you mean: jrq dashboard")
                .endsWith("Try 'jrq --help' for more information.\n");
    }

    private static JsonNode json(String text) {
        try {
            return JsonArgs.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The stored payload of a job of the test's queue: in its own hash, or in the compact hash of plain jobs. */
    private JsonNode payload(String id) {
        Keys keys = new Keys("jrq");
        RedisClient client = RedisClient.create(redis.url());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            String payload = c.sync().hget(keys.job(queue, id), "payload");
            if (payload == null) {
                String record = c.sync().hget(keys.queued(queue), id);
                payload = record.substring(record.indexOf(':') + 1);
            }
            return json(payload);
        } finally {
            client.shutdown();
        }
    }
}
