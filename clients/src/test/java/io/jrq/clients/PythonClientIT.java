package io.jrq.clients;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jrq.Job;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.JrqOptions;
import io.jrq.Worker;
import io.jrq.testkit.RedisServer;
import io.jrq.testkit.Requirements;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Python client (clients/python) against a Java worker on one Redis: the Python suite runs with
 * {@code JRQ_REDIS_URL} and {@code JRQ_JAVA_WORKER=1} (its own unit and integration tests, and
 * tests/test_java_worker.py, whose jobs this worker runs), then the Java side checks what it left:
 * Python's jobs ran here as asked, Python's copies of the vectors read back field by field, bad input
 * stored nothing. Before it, the Java client enqueued what the Python suite reads.
 */
class PythonClientIT {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    private static RedisServer redis;
    private static RedisClient lettuce;
    private static StatefulRedisConnection<String, String> connection;
    private static Jrq jrq;
    private static Worker worker;

    @BeforeAll
    static void start() throws Exception {
        Requirements.require(
                Files.isExecutable(PYTHON) && exitCode(PYTHON.toString(), "-c", "import redis") == 0,
                PYTHON + " with the redis module not found: apt-get install python3-redis");
        redis = RedisServer.start();
        lettuce = RedisClient.create(redis.url());
        connection = lettuce.connect();
        jrq = Jrq.connect(redis.url());
        // A partitioned queue: the Python client must route its jobs as the Java one does.
        jrq.admin().partitions("py-part", 3);
        worker = jrq.worker("py-work", "py-work2", "py-part")
                .name("py-worker-1")
                .concurrency(8)
                .handleSignals(false)
                .handler("add", ctx -> {
                    long sum = 0;
                    for (int i = 0; i < ctx.argCount(); i++) {
                        sum += ctx.arg(i, Long.class);
                    }
                    return sum;
                })
                .handler("echo", ctx -> {
                    List<Object> args = new ArrayList<>();
                    for (int i = 0; i < ctx.argCount(); i++) {
                        args.add(ctx.arg(i, Object.class));
                    }
                    return args;
                })
                .handler("fail-once", ctx -> {
                    if (ctx.attempt() == 1) {
                        throw new IllegalStateException("first attempt fails");
                    }
                    return "ok at attempt " + ctx.attempt();
                })
                .handler("fail-always", ctx -> {
                    throw new IllegalStateException("always fails");
                })
                .handler("slow", ctx -> {
                    Thread.sleep(60_000);
                    return "not stopped";
                })
                .start();

        // What the Python suite reads: a job of this worker, and each vector under a prefix of its own.
        jrq.queue("py-work")
                .with(io.jrq.EnqueueOptions.builder().jobId("java-add").build())
                .enqueue("add", 20, 22);
        RedisCommands<String, String> r = connection.sync();
        List<JsonNode> vectors = Vectors.all();
        for (int i = 0; i < vectors.size(); i++) {
            JsonNode v = vectors.get(i);
            String prefix = "jv" + i;
            Vectors.setup(r, v, prefix);
            try (Jrq jv = Jrq.connect(
                    JrqOptions.builder().url(redis.url()).keyPrefix(prefix).build())) {
                List<String> ids = Vectors.enqueue(jv, v);
                r.hset("jv-ids", v.get("name").asText(), Vectors.JSON.writeValueAsString(ids));
            }
        }
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        if (jrq != null) {
            jrq.close();
        }
        if (connection != null) {
            connection.close();
            lettuce.shutdown();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void thePythonSuitePassesAgainstAJavaWorkerAndLeavesWhatJavaReads() throws Exception {
        Path dir = Vectors.root().resolve("clients/python");
        ProcessBuilder pb = new ProcessBuilder(PYTHON.toString(), "-m", "unittest", "discover", "-s", "tests", "-v")
                .directory(dir.toFile())
                .redirectErrorStream(true);
        pb.environment().put("JRQ_REDIS_URL", redis.url());
        pb.environment().put("JRQ_JAVA_WORKER", "1");
        pb.environment().remove("PYTHONPATH");
        long t0 = System.nanoTime();
        Process p = pb.start();
        String out = readAll(p.getInputStream());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("python finished").isTrue();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("python suite: " + ms + " ms\n" + out);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("OK").doesNotContain("test_java_worker.JavaWorkerTest) ... skipped");
        assertThat(out).containsPattern("test_reads_the_java_clients_jobs \\(.*\\) \\.\\.\\. ok");

        RedisCommands<String, String> r = connection.sync();

        // Python's jobs, run by this worker (or canceled and stopped as Python asked).
        Map<String, String> refs = r.hgetall("py-jobs");
        Map<String, JobStatus> expected = new LinkedHashMap<>();
        for (String n : List.of("plain", "delayed", "retried", "unique", "dependency", "dependent", "run-policy")) {
            expected.put(n, JobStatus.FINISHED);
        }
        expected.put("cancel-policy", JobStatus.CANCELED);
        expected.put("canceled", JobStatus.CANCELED);
        expected.put("stopped", JobStatus.STOPPED);
        assertThat(refs).containsOnlyKeys(expected.keySet());
        for (Map.Entry<String, JobStatus> e : expected.entrySet()) {
            String[] ref = refs.get(e.getKey()).split("/", 2);
            Job<Object> job = jrq.queue(ref[0]).job(ref[1]).orElseThrow();
            assertThat(job.status()).as(e.getKey()).isEqualTo(e.getValue());
            if (e.getValue() == JobStatus.FINISHED) {
                assertThat(job.worker()).as(e.getKey()).contains("py-worker-1");
            }
        }
        Job<Object> retried =
                jrq.queue("py-work").job(refs.get("retried").split("/", 2)[1]).orElseThrow();
        assertThat(retried.attempts()).isEqualTo(2);
        assertThat(retried.result()).contains("ok at attempt 2");

        // Python's copy of each vector, read by the Java client and field by field.
        List<JsonNode> vectors = Vectors.all();
        for (int i = 0; i < vectors.size(); i++) {
            JsonNode v = vectors.get(i);
            String name = v.get("name").asText();
            List<String> ids = new ArrayList<>();
            Vectors.JSON.readTree(r.hget("pv-ids", name)).forEach(id -> ids.add(id.asText()));
            Map<String, String> rename = new HashMap<>();
            for (int k = 0; k < ids.size(); k++) {
                rename.put(ids.get(k), v.get("ids").get(k).asText());
            }
            String prefix = "pv" + i;
            Vectors.assertStored(name, v.get("stored"), Vectors.dump(r, prefix, rename));
            String queue = v.get("enqueue").get("queue").asText();
            try (Jrq pv = Jrq.connect(
                    JrqOptions.builder().url(redis.url()).keyPrefix(prefix).build())) {
                for (int k = 0; k < ids.size(); k++) {
                    Job<Object> job = pv.queue(queue).job(ids.get(k)).orElseThrow();
                    JsonNode record = v.get("stored")
                            .get("jrq:{" + queue + "}:job:"
                                    + v.get("ids").get(k).asText());
                    JobStatus status = record == null
                            ? JobStatus.QUEUED
                            : JobStatus.valueOf(
                                    record.get("value").get("status").asText());
                    assertThat(job.status()).as(name).isEqualTo(status);
                    assertThat(job.enqueuedAt().toEpochMilli()).as(name).isPositive();
                }
            }
        }

        // Bad input from Python stored nothing.
        assertThat(r.keys("*py-bad*")).isEmpty();
        assertThat(r.smembers("jrq:queues")).doesNotContain("py-bad").contains("py-work", "py-work2");
    }

    private static int exitCode(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            readAll(p.getInputStream());
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        in.transferTo(b);
        return b.toString(StandardCharsets.UTF_8);
    }
}
