package io.jrq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jrq.internal.Keys;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Holds docs/PROTOCOL.md to the code: a producer that knows only the documented wire format (a
 * shell script using redis-cli) enqueues jobs, a Java worker runs them, and the keys, fields, TTLs
 * and events each step leaves behind are the documented ones.
 */
@ExtendWith(RedisExtension.class)
class ProtocolIT {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RedisServer redis;
    private final Keys keys = new Keys("jrq");
    private final List<String> events = new CopyOnWriteArrayList<>();
    private String queue;
    private Jrq jrq;
    private RedisClient subscriber;
    @TempDir
    Path tmp;

    ProtocolIT(RedisServer redis) {
        this.redis = redis;
    }

    @BeforeEach
    void setUp() throws Exception {
        queue = "proto-" + UUID.randomUUID().toString().substring(0, 8);
        jrq = Jrq.connect(redis.url());
        subscriber = RedisClient.create(redis.url());
        StatefulRedisPubSubConnection<String, String> c = subscriber.connectPubSub();
        c.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                events.add(message);
            }
        });
        // "jrq:{q}:events", spelled out as the documentation spells it.
        c.sync().subscribe("jrq:{" + queue + "}:events");
    }

    @AfterEach
    void tearDown() {
        jrq.close();
        subscriber.shutdown();
    }

    @Test
    void jobsEnqueuedWithRedisCliRunOnAJavaWorker() throws Exception {
        assumeTrue(onPath("redis-cli"), "redis-cli is not on PATH");
        String id = "p" + UUID.randomUUID().toString().substring(0, 8);
        String method = id + "-method";
        String over = id + "-over";
        String handler = id + "-handler";

        List<String> printed = runProducer(id);
        assertThat(printed).containsExactly(method, over, handler);

        // Queued: documented types, the ready list in FIFO order (fetch pops the right end), no TTL yet.
        String ready = keys.ready(queue);
        assertThat(ready).isEqualTo("jrq:{" + queue + "}:ready");
        assertThat(redis.execute("TYPE", ready)).isEqualTo("list");
        assertThat(redis.execute("LRANGE", ready, "0", "-1").split("\n")).containsExactly(handler, over, method);
        assertThat(redis.execute("SISMEMBER", "jrq:queues", queue)).isEqualTo("1");
        for (String job : printed) {
            String key = "jrq:{" + queue + "}:job:" + job;
            assertThat(redis.execute("TYPE", key)).isEqualTo("hash");
            assertThat(fields(key)).containsExactlyInAnyOrder("payload", "status", "enqueued_at");
            assertThat(redis.execute("HGET", key, "status")).isEqualTo("QUEUED");
            assertThat(Long.parseLong(redis.execute("HGET", key, "enqueued_at"))).isPositive();
            assertThat(redis.execute("TTL", key)).isEqualTo("-1");
            assertThat(JSON.readTree(redis.execute("HGET", key, "payload")).get("id").asText()).isEqualTo(job);
        }

        try (Worker w = jrq.worker(queue).allowPackages("io.jrq.testjobs")
                .handler("greet", ctx -> "Hello, " + ctx.arg(0, String.class) + " (" + ctx.meta().get("source") + ")")
                .handleSignals(false).start()) {
            Queue q = jrq.queue(queue);
            assertThat(q.job(method).orElseThrow().as(Integer.class).await(WAIT)).isEqualTo(5);
            assertThat(q.job(over).orElseThrow().as(String.class).await(WAIT)).isEqualTo("int:7");
            assertThat(q.job(handler).orElseThrow().as(String.class).await(WAIT)).isEqualTo("Hello, Ann (shell)");

            JobInfo info = q.job(method).orElseThrow().info();
            assertThat(info.status()).isEqualTo(JobStatus.FINISHED);
            assertThat(info.description()).isEqualTo("add from the shell");
            assertThat(info.worker()).contains(w.name());

            // Finished: the documented fields, result as JSON, no lease token left, TTL from the worker's
            // default (500 s) or from the payload's "ttl" (60 s).
            String methodKey = keys.job(queue, method);
            assertThat(fields(methodKey)).containsExactlyInAnyOrder(
                    "payload", "status", "enqueued_at", "started_at", "ended_at", "attempts", "worker", "result");
            assertThat(redis.execute("HGET", methodKey, "status")).isEqualTo("FINISHED");
            assertThat(redis.execute("HGET", methodKey, "result")).isEqualTo("5");
            assertThat(redis.execute("HGET", methodKey, "attempts")).isEqualTo("1");
            assertThat(redis.execute("HGET", methodKey, "worker")).isEqualTo(w.name());
            assertThat(ttl(methodKey)).isBetween(490L, 500L);
            assertThat(redis.execute("HGET", keys.job(queue, handler), "result")).isEqualTo("\"Hello, Ann (shell)\"");
            assertThat(ttl(keys.job(queue, handler))).isBetween(50L, 60L);

            // Nothing left waiting or leased: Redis removes a list or zset once it is empty.
            assertThat(redis.execute("EXISTS", ready)).isEqualTo("0");
            assertThat(redis.execute("EXISTS", keys.active(queue))).isEqualTo("0");

            // The worker registry entry.
            assertThat(redis.execute("SISMEMBER", "jrq:workers", w.name())).isEqualTo("1");
            String workerKey = "jrq:worker:" + w.name();
            assertThat(redis.execute("TYPE", workerKey)).isEqualTo("hash");
            assertThat(fields(workerKey)).containsExactlyInAnyOrder(
                    "name", "host", "pid", "queues", "concurrency", "started_at", "heartbeat_at", "jobs");
            assertThat(Long.parseLong(redis.execute("PTTL", workerKey))).isBetween(1L, 30_000L);
        }

        assertEvents(method, "FINISHED", over, "FINISHED", handler, "FINISHED");
        assertDocumented(fields(keys.job(queue, method)));
    }

    @Test
    void aFailedJobKeepsItsErrorInTheFailedRegistry() throws Exception {
        String id = "f" + UUID.randomUUID().toString().substring(0, 8);
        String payload = "{\"v\":1,\"id\":\"" + id + "\",\"fn\":\"io.jrq.testjobs.Jobs::fail\",\"args\":[\"boom\"]}";
        // EVAL of the shipped enqueue.lua, exactly as another language would send it.
        String now = redis.execute("EVAL", Files.readString(resource("/io/jrq/lua/enqueue.lua")), "2",
                "jrq:{" + queue + "}:ready", "jrq:{" + queue + "}:job:", "0", id, payload);
        assertThat(Long.parseLong(now)).isPositive();

        try (Worker w = jrq.worker(queue).allowPackages("io.jrq.testjobs").handleSignals(false).start()) {
            Job<Object> job = jrq.queue(queue).job(id).orElseThrow();
            assertThat(job.future()).failsWithin(WAIT);
        }

        String key = keys.job(queue, id);
        assertThat(fields(key)).containsExactlyInAnyOrder(
                "payload", "status", "enqueued_at", "started_at", "ended_at", "attempts", "worker", "error");
        assertThat(redis.execute("HGET", key, "status")).isEqualTo("FAILED");
        JsonNode error = JSON.readTree(redis.execute("HGET", key, "error"));
        assertThat(error.get("type").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(error.get("message").asText()).isEqualTo("boom");
        assertThat(error.get("stackTrace").asText()).contains("io.jrq.testjobs.Jobs.fail");
        assertThat(redis.execute("TYPE", keys.failed(queue))).isEqualTo("zset");
        assertThat(redis.execute("ZSCORE", keys.failed(queue), id)).isEqualTo(redis.execute("HGET", key, "ended_at"));
        assertThat(ttl(key)).isBetween(7 * 86_400L - 10, 7 * 86_400L);
        assertEvents(id, "FAILED");
        assertDocumented(fields(key));
    }

    /** Runs the shell producer and returns the ids it printed. */
    private List<String> runProducer(String id) throws Exception {
        Process p = new ProcessBuilder("bash", resource("/producer/enqueue.sh").toString(), redis.host(),
                Integer.toString(redis.port()), queue, id, resource("/io/jrq/lua/enqueue.lua").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("enqueue.sh finished").isTrue();
        assertThat(p.exitValue()).as("enqueue.sh exit code; output: %s", out).isZero();
        return out.lines().toList();
    }

    /** Asserts the events channel carried exactly these id/status pairs, in any order. */
    private void assertEvents(String... idStatus) throws Exception {
        Set<String> expected = new TreeSet<>();
        for (int i = 0; i < idStatus.length; i += 2) {
            expected.add(idStatus[i] + "=" + idStatus[i + 1]);
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (events.size() < expected.size() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Set<String> seen = new TreeSet<>();
        for (String e : events) {
            JsonNode n = JSON.readTree(e);
            assertThat(n.size()).as("event %s has only id and status", e).isEqualTo(2);
            seen.add(n.get("id").asText() + "=" + n.get("status").asText());
        }
        assertThat(seen).isEqualTo(expected);
    }

    /** Asserts that docs/PROTOCOL.md names every one of these job hash fields. */
    private static void assertDocumented(Set<String> fields) throws IOException {
        Path doc = Path.of(System.getProperty("basedir", ".")).resolve("../docs/PROTOCOL.md").normalize();
        String text = Files.readString(doc);
        for (String f : fields) {
            assertThat(text).as("%s documents job field %s", doc, f).contains("`" + f + "`");
        }
    }

    private Set<String> fields(String key) {
        String reply = redis.execute("HKEYS", key);
        return reply == null || reply.isEmpty() ? Set.of() : new TreeSet<>(Arrays.asList(reply.split("\n")));
    }

    private long ttl(String key) {
        return Long.parseLong(redis.execute("TTL", key));
    }

    /** Copies a classpath resource to a file: failsafe puts the main classes on the path as a jar. */
    private Path resource(String name) throws IOException {
        Path file = tmp.resolve(name.substring(name.lastIndexOf('/') + 1));
        if (!Files.exists(file)) {
            try (InputStream in = ProtocolIT.class.getResourceAsStream(name)) {
                assertThat(in).as("resource %s", name).isNotNull();
                Files.copy(in, file);
            }
        }
        return file;
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }
}
