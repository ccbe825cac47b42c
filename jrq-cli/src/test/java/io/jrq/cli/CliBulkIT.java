package io.jrq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jrq.JobStatus;
import io.jrq.QueueInfo;
import io.jrq.internal.Keys;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** {@code jrq enqueue --file}, and a large file drained by {@code jrq worker --burst}. */
class CliBulkIT extends CliSupport {
    private static final int LARGE = 100_000;

    @Test
    void badLinesAreReportedWithTheirNumbersAndSkipped() throws IOException {
        String other = name("other");
        Path file = tmp.resolve("jobs.jsonl");
        Files.write(
                file,
                List.of(
                        "{\"fn\":\"io.jrq.demo.DemoJobs::noop\",\"args\":[1]}",
                        "",
                        "{\"fn\":\"io.jrq.demo.DemoJobs::noop\",\"args\":[2],\"queue\":\"" + other + "\"}",
                        "{\"fn\":\"io.jrq.demo.DemoJobs::noop\",\"args\":[3]",
                        "{\"fn\":\"greet\",\"args\":[\"Ann\"]}",
                        "[\"not\", \"an\", \"object\"]",
                        "{\"fn\":\"no spaces allowed\"}",
                        "{\"fn\":\"io.jrq.demo.DemoJobs::noop\",\"arg\":[4]}",
                        "{\"fn\":\"io.jrq.demo.DemoJobs::noop\",\"args\":[5],\"queue\":\"no spaces\"}",
                        "{\"fn\":\"io.jrq.demo.DemoJobs::echo\"}",
                        "{\"fn\":\"io.jrq.demo.DemoJobs::echo\",\"args\":[\"" + "x".repeat(1_100_000) + "\"]}"),
                StandardCharsets.UTF_8);

        Cli.Result r = cli.run("enqueue", "--file", file.toString(), "-q", queue, "--json");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(r.lines()).as(r.toString()).hasSize(4);
        assertThat(r.lines().get(0)).matches("\\{\"line\":1,\"id\":\"[0-9A-Za-z]{16}\",\"queue\":\"" + queue + "\"}");
        assertThat(r.lines().get(1)).startsWith("{\"line\":3,").endsWith("\"queue\":\"" + other + "\"}");
        assertThat(r.lines().get(2)).startsWith("{\"line\":5,").endsWith("\"queue\":\"" + queue + "\"}");
        assertThat(r.lines().get(3)).startsWith("{\"line\":10,");
        String at = file + ":";
        List<String> err = r.err().lines().toList();
        assertThat(err.subList(0, 5))
                .as(r.toString())
                .containsExactly(
                        "jrq: " + at
                                + "4: not valid JSON at column 46: Unexpected end-of-input: expected close marker for Object"
                                + " (start marker at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1,"
                                + " column: 1]); skipped",
                        "jrq: " + at + "6: expected a JSON object {\"fn\":..., \"args\":[...], \"queue\":...}; skipped",
                        "jrq: " + at
                                + "7: 'no spaces allowed' is neither a method (com.example.Jobs::send) nor a handler name"
                                + " (1-200 characters of A-Z a-z 0-9 _ . : -); skipped",
                        "jrq: " + at + "8: unknown field \"arg\" (known: fn, args, queue, id, at, in, retry, timeout,"
                                + " unique, depends_on, on_dependency_failure, meta, description, at_front, result_ttl);"
                                + " skipped",
                        "jrq: " + at
                                + "9: queue name must be 1-100 characters of A-Z a-z 0-9 _ . -, got: 'no spaces'; skipped");
        // The payload's exact size depends on the envelope; the line is found once the core refuses its batch.
        assertThat(err.get(5))
                .startsWith("jrq: " + at + "11: job payload for io.jrq.demo.DemoJobs::echo is 1100")
                .endsWith(
                        " bytes, over the limit of 1048576 bytes (JrqOptions.maxPayloadBytes); store large data elsewhere and"
                                + " pass its key; skipped");
        assertThat(err.subList(6, err.size())).containsExactly("jrq: 6 bad lines were skipped (see above)");
        assertThat(jrq.admin().queue(queue).count(JobStatus.QUEUED)).isEqualTo(3);
        assertThat(jrq.admin().queue(other).count(JobStatus.QUEUED)).isEqualTo(1);
        assertThat(jrq.admin().jobs(queue, JobStatus.QUEUED, 0, 10))
                .extracting(j -> j.function())
                .containsExactly("io.jrq.demo.DemoJobs::noop", "greet", "io.jrq.demo.DemoJobs::echo");
    }

    @Test
    void readsStdin() throws IOException {
        Path file = tmp.resolve("stdin.jsonl");
        Files.writeString(
                file,
                "{\"fn\":\"io.jrq.demo.DemoJobs::noop\",\"args\":[1]}\n{\"fn\":\"io.jrq.demo.DemoJobs::noop\",\"args\":[2]}\n");

        Cli.Result r = cli.run(Map.of(), file, "enqueue", "--file", "-", "-q", queue, "--in", "1h");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).startsWith("enqueued 2 jobs from stdin in ");
        assertThat(r.err()).isEmpty();
        assertThat(jrq.admin().queue(queue).count(JobStatus.SCHEDULED)).isEqualTo(2);
    }

    @Test
    void aHundredThousandLinesAreEnqueuedAndAllRunByABurstWorker() throws IOException {
        Path file = tmp.resolve("large.jsonl");
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < LARGE; i++) {
                w.write("{\"fn\":\"io.jrq.demo.DemoJobs::noop\",\"args\":[" + i + "]}\n");
            }
        }

        // Finished jobs beyond the newest 100,000 of a queue are deleted (JrqOptions.finishedJobsMax), so the
        // proof that every job ran is the FINISHED event published for each one.
        Set<String> finished = ConcurrentHashMap.newKeySet();
        RedisClient client = RedisClient.create(redis.url());
        try (StatefulRedisPubSubConnection<String, String> events = client.connectPubSub()) {
            events.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    // fetch.lua publishes one event per call: {"ended":{"FINISHED":[ids...],...}}.
                    try {
                        new ObjectMapper()
                                .readTree(message)
                                .path("ended")
                                .path("FINISHED")
                                .forEach(id -> finished.add(id.asText()));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
            events.sync().subscribe(new Keys("jrq").events(queue));

            Cli.Result enqueue = cli.run("enqueue", "--file", file.toString(), "-q", queue, "--json");
            Cli.Result work = cli.run("worker", "-q", queue, "--allow", "io.jrq.demo", "-c", "16", "--burst");
            System.out.printf(
                    "CliBulkIT: jrq enqueue --file with %,d lines: %s (process, JVM start included), %,.0f jobs/s%n",
                    LARGE,
                    seconds(enqueue.elapsed()),
                    LARGE / (enqueue.elapsed().toMillis() / 1000.0));
            System.out.printf(
                    "CliBulkIT: jrq worker --burst -c 16 ran them all: %s (process, JVM start included), %,.0f jobs/s%n",
                    seconds(work.elapsed()), LARGE / (work.elapsed().toMillis() / 1000.0));

            assertThat(enqueue.exitCode()).as(enqueue.err()).isZero();
            assertThat(enqueue.err()).isEmpty();
            List<String> lines = enqueue.lines();
            assertThat(lines).hasSize(LARGE);
            Set<String> ids = new HashSet<>();
            for (int i = 0; i < LARGE; i++) {
                String line = lines.get(i);
                assertThat(line).startsWith("{\"line\":" + (i + 1) + ",");
                ids.add(line.substring(line.indexOf("\"id\":\"") + 6, line.indexOf("\",\"queue\"")));
            }
            assertThat(ids).hasSize(LARGE);
            assertThat(work.exitCode()).as(work.toString()).isZero();
            assertThat(work.out()).contains("stopped after").contains("queues empty");
            QueueInfo q = jrq.admin().queue(queue);
            assertThat(q.count(JobStatus.QUEUED)
                            + q.count(JobStatus.STARTED)
                            + q.count(JobStatus.SCHEDULED)
                            + q.count(JobStatus.FAILED))
                    .as(q.toString())
                    .isZero();
            assertThat(eventually(() -> finished.size() >= LARGE))
                    .as("FINISHED events: %,d", finished.size())
                    .isTrue();
            assertThat(finished).isEqualTo(ids);
            assertThat(enqueue.elapsed().plus(work.elapsed())).isLessThan(Duration.ofSeconds(90));
        } finally {
            client.shutdown();
        }
    }

    private static String seconds(Duration d) {
        return String.format("%.2f s", d.toMillis() / 1000.0);
    }
}
