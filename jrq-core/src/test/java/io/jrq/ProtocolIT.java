package io.jrq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jrq.internal.Keys;
import io.jrq.internal.redis.Script;
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
import java.util.Map;
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
        io.jrq.testkit.Requirements.require(
                onPath("redis-cli"), "redis-cli not found on the PATH (Debian: apt-get install redis-tools)");
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
            assertThat(Long.parseLong(redis.execute("HGET", key, "enqueued_at")))
                    .isPositive();
            assertThat(redis.execute("TTL", key)).isEqualTo("-1");
            assertThat(JSON.readTree(redis.execute("HGET", key, "payload"))
                            .get("id")
                            .asText())
                    .isEqualTo(job);
        }

        try (Worker w = jrq.worker(queue)
                .allowPackages("io.jrq.testjobs")
                .handler(
                        "greet",
                        ctx -> "Hello, " + ctx.arg(0, String.class) + " ("
                                + ctx.meta().get("source") + ")")
                .handleSignals(false)
                .start()) {
            Queue q = jrq.queue(queue);
            assertThat(q.job(method).orElseThrow().as(Integer.class).await(WAIT))
                    .isEqualTo(5);
            assertThat(q.job(over).orElseThrow().as(String.class).await(WAIT)).isEqualTo("int:7");
            assertThat(q.job(handler).orElseThrow().as(String.class).await(WAIT))
                    .isEqualTo("Hello, Ann (shell)");

            JobInfo info = q.job(method).orElseThrow().info();
            assertThat(info.status()).isEqualTo(JobStatus.FINISHED);
            assertThat(info.description()).isEqualTo("add from the shell");
            assertThat(info.worker()).contains(w.name());

            // Finished: the documented fields, result as JSON, the last lease token (inert once the status is
            // not STARTED), the payload kept because it has a description; no EXPIRE: the registry's
            // score is the expiry, from the worker's default (500 s) or from the payload's "ttl" (60 s).
            String methodKey = keys.job(queue, method);
            assertThat(fields(methodKey))
                    .containsExactlyInAnyOrder(
                            "payload",
                            "status",
                            "enqueued_at",
                            "started_at",
                            "ended_at",
                            "attempts",
                            "leases",
                            "worker",
                            "result",
                            "token");
            assertThat(redis.execute("HGET", methodKey, "status")).isEqualTo("FINISHED");
            assertThat(redis.execute("HGET", methodKey, "result")).isEqualTo("5");
            assertThat(redis.execute("HGET", methodKey, "attempts")).isEqualTo("1");
            assertThat(redis.execute("HGET", methodKey, "worker")).isEqualTo(w.name());
            assertThat(ttl(methodKey)).as("deleted by the registry's sweep").isEqualTo(-1L);
            assertThat(redis.execute("HGET", keys.job(queue, handler), "result"))
                    .isEqualTo("\"Hello, Ann (shell)\"");
            assertThat(ttl(keys.job(queue, handler))).isEqualTo(-1L);

            // The finished registry is scored by expiry: ended_at + the job's TTL.
            String finished = "jrq:{" + queue + "}:finished";
            assertThat(finished).isEqualTo(keys.finished(queue));
            assertThat(redis.execute("TYPE", finished)).isEqualTo("zset");
            assertThat(score(finished, method))
                    .isEqualTo(Long.parseLong(redis.execute("HGET", methodKey, "ended_at")) + 500_000L);
            assertThat(score(finished, handler))
                    .isEqualTo(Long.parseLong(redis.execute("HGET", keys.job(queue, handler), "ended_at")) + 60_000L);
            assertThat(redis.execute("HGET", methodKey, "leases")).isEqualTo("1");

            // Nothing left waiting or leased: Redis removes a list or zset once it is empty.
            assertThat(redis.execute("EXISTS", ready)).isEqualTo("0");
            assertThat(redis.execute("EXISTS", keys.active(queue))).isEqualTo("0");

            // The worker registry entry.
            assertThat(redis.execute("SISMEMBER", "jrq:workers", w.name())).isEqualTo("1");
            String workerKey = "jrq:worker:" + w.name();
            assertThat(redis.execute("TYPE", workerKey)).isEqualTo("hash");
            assertThat(fields(workerKey))
                    .containsExactlyInAnyOrder(
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
        List<String> reply = enqueueLua("0", "-1", "-1", "Q", "-1", id, payload, "");
        assertThat(Long.parseLong(reply.get(0))).isPositive();
        assertThat(reply.subList(1, reply.size())).containsExactly(id);

        try (Worker w = jrq.worker(queue)
                .allowPackages("io.jrq.testjobs")
                .handleSignals(false)
                .start()) {
            Job<Object> job = jrq.queue(queue).job(id).orElseThrow();
            assertThat(job.future()).failsWithin(WAIT);
        }

        String key = keys.job(queue, id);
        assertThat(fields(key))
                .containsExactlyInAnyOrder(
                        "payload",
                        "status",
                        "enqueued_at",
                        "started_at",
                        "ended_at",
                        "attempts",
                        "leases",
                        "worker",
                        "error",
                        "errors",
                        "token");
        assertThat(redis.execute("HGET", key, "status")).isEqualTo("FAILED");
        JsonNode error = JSON.readTree(redis.execute("HGET", key, "error"));
        assertThat(error.get("type").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(error.get("message").asText()).isEqualTo("boom");
        assertThat(error.get("stackTrace").asText()).contains("io.jrq.testjobs.Jobs.fail");
        // The failed registry is scored by expiry: ended_at + the failure TTL (7 days); the hash has no EXPIRE.
        assertThat(redis.execute("TYPE", keys.failed(queue))).isEqualTo("zset");
        assertThat(keys.failed(queue)).isEqualTo("jrq:{" + queue + "}:failed");
        assertThat(score(keys.failed(queue), id))
                .isEqualTo(Long.parseLong(redis.execute("HGET", key, "ended_at")) + 7 * 86_400_000L);
        assertThat(ttl(key)).isEqualTo(-1L);
        assertThat(JSON.readTree(redis.execute("HGET", key, "errors")))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.get("attempt").asInt()).isEqualTo(1);
                    assertThat(e.get("type").asText()).isEqualTo("java.lang.IllegalStateException");
                    assertThat(e.get("message").asText()).isEqualTo("boom");
                    assertThat(e.get("at").asLong()).isEqualTo(Long.parseLong(redis.execute("HGET", key, "ended_at")));
                });
        assertThat(redis.execute("HGET", key, "leases")).isEqualTo("1");
        assertEvents(id, "FAILED");
        assertDocumented(fields(key));
    }

    @Test
    void aDelayedUniqueJobFromEnqueueLuaWaitsInTheScheduledSetThenRuns() throws Exception {
        String id = "d" + UUID.randomUUID().toString().substring(0, 8);
        String dup = id + "-dup";
        String payload = "{\"v\":1,\"id\":\"" + id + "\",\"fn\":\"io.jrq.testjobs.Jobs::add\",\"args\":[20,22]}";
        String dupPayload = "{\"v\":1,\"id\":\"" + dup + "\",\"fn\":\"io.jrq.testjobs.Jobs::add\",\"args\":[1,1]}";
        // Due in 1.5 s, unique while active under the key "nightly".
        List<String> reply = enqueueLua("0", "-1", "1500", "A", "-1", id, payload, "nightly");
        long enqueuedAt = Long.parseLong(reply.get(0));
        assertThat(reply.subList(1, reply.size())).containsExactly(id);
        // A second job with the same unique key is not stored; the reply names the existing job instead.
        assertThat(enqueueLua("0", "-1", "-1", "A", "-1", dup, dupPayload, "nightly")
                        .subList(1, 2))
                .containsExactly(id);
        assertThat(redis.execute("EXISTS", keys.job(queue, dup))).isEqualTo("0");

        String key = keys.job(queue, id);
        assertThat(fields(key)).containsExactlyInAnyOrder("payload", "status", "enqueued_at", "due_at", "unique");
        assertDocumented(fields(key));
        assertThat(redis.execute("HGET", key, "status")).isEqualTo("SCHEDULED");
        assertThat(redis.execute("HGET", key, "unique")).isEqualTo("A:nightly");
        long dueAt = Long.parseLong(redis.execute("HGET", key, "due_at"));
        assertThat(dueAt).isEqualTo(enqueuedAt + 1500);
        String scheduled = "jrq:{" + queue + "}:scheduled";
        assertThat(scheduled).isEqualTo(keys.scheduled(queue));
        assertThat(score(scheduled, id)).isEqualTo(dueAt);
        String unique = "jrq:{" + queue + "}:unique:nightly";
        assertThat(unique).isEqualTo(keys.uniquePrefix(queue) + "nightly");
        assertThat(redis.execute("GET", unique)).isEqualTo(id);
        assertThat(redis.execute("EXISTS", keys.ready(queue))).isEqualTo("0");

        // Without scripting: a SCHEDULED hash with due_at plus its entry in the scheduled set.
        String plain = id + "-plain";
        long plainDue = enqueuedAt + 300;
        redis.execute(
                "HSET",
                keys.job(queue, plain),
                "payload",
                "{\"v\":1,\"id\":\"" + plain + "\",\"fn\":\"io.jrq.testjobs.Jobs::add\",\"args\":[2,2]}",
                "status",
                "SCHEDULED",
                "enqueued_at",
                Long.toString(enqueuedAt),
                "due_at",
                Long.toString(plainDue));
        redis.execute("ZADD", scheduled, Long.toString(plainDue), plain);

        try (Worker w = jrq.worker(queue)
                .allowPackages("io.jrq.testjobs")
                .handleSignals(false)
                .start()) {
            Job<Integer> job = jrq.queue(queue).job(id).orElseThrow().as(Integer.class);
            assertThat(job.await(WAIT)).isEqualTo(42);
            assertThat(jrq.queue(queue)
                            .job(plain)
                            .orElseThrow()
                            .as(Integer.class)
                            .await(WAIT))
                    .isEqualTo(4);
        }
        // Promoted by fetch.lua once due, then run; scope A releases the unique key when the job ends.
        assertThat(Long.parseLong(redis.execute("HGET", key, "started_at"))).isGreaterThanOrEqualTo(dueAt);
        assertThat(redis.execute("EXISTS", scheduled)).isEqualTo("0");
        assertThat(redis.execute("EXISTS", unique)).isEqualTo("0");
        // A finished job whose payload has no description or metadata keeps only its function name.
        assertThat(fields(key))
                .containsExactlyInAnyOrder(
                        "fn",
                        "status",
                        "enqueued_at",
                        "due_at",
                        "queued_at",
                        "unique",
                        "started_at",
                        "ended_at",
                        "attempts",
                        "leases",
                        "worker",
                        "result",
                        "token");
        // Promoted with its due time as the time since which it could run: the wait counts from there.
        assertThat(Long.parseLong(redis.execute("HGET", key, "queued_at"))).isEqualTo(dueAt);
        assertThat(redis.execute("HGET", key, "fn")).isEqualTo("io.jrq.testjobs.Jobs::add");
        assertThat(jrq.queue(queue).job(id).orElseThrow().info().function()).isEqualTo("io.jrq.testjobs.Jobs::add");
        assertDocumented(fields(key));
        assertEvents(id, "FINISHED", plain, "FINISHED");
    }

    @Test
    void enqueueLuaChecksIdsUnlessTheCallerSaysTheyAreGeneratedAndRefusesUnknownFlags() throws Exception {
        String id = "x" + UUID.randomUUID().toString().substring(0, 8);
        String payload = "{\"v\":1,\"fn\":\"io.jrq.testjobs.Jobs::add\",\"args\":[1,2]}";
        assertThat(enqueueLua("0", "-1", "-1", "Q", "-1", id, payload, "").subList(1, 2))
                .containsExactly(id);
        // "0" and "1" (the values older producers send) keep the check for an existing job: the same
        // job again (same payload) is that job, returned and not written again; another payload is refused.
        String other = "{\"v\":1,\"fn\":\"io.jrq.testjobs.Jobs::add\",\"args\":[1,3]}";
        for (String flags : new String[] {"0", "1"}) {
            assertThat(enqueueLua(flags, "-1", "-1", "Q", "-1", id, payload, "").subList(1, 2))
                    .containsExactly(id);
            assertThatThrownBy(() -> enqueueLua(flags, "-1", "-1", "Q", "-1", id, other, ""))
                    .hasMessageContaining("JRQ_JOB_EXISTS " + id);
        }
        assertThat(redis.execute("LLEN", keys.ready(queue))).isEqualTo("1");
        // Flag 2 (ids generated at random) skips it: a new id is stored in one HSET with all three fields.
        String fresh = io.jrq.internal.codec.JobIds.next();
        assertThat(enqueueLua("2", "-1", "-1", "Q", "-1", fresh, payload, "").subList(1, 2))
                .containsExactly(fresh);
        assertThat(fields(keys.job(queue, fresh))).containsExactlyInAnyOrder("payload", "status", "enqueued_at");
        // Anything else is refused, and nothing is written.
        String otherId = id + "-other";
        for (String bad : new String[] {"4", "-1", "x", "1.5"}) {
            assertThatThrownBy(() -> enqueueLua(bad, "-1", "-1", "Q", "-1", otherId, payload, ""))
                    .hasMessageContaining("ARGV[1] must be a flags number from 0 to 3");
        }
        assertThat(redis.execute("EXISTS", keys.job(queue, otherId))).isEqualTo("0");
        assertThat(redis.execute("LLEN", keys.ready(queue))).isEqualTo("2");
    }

    @Test
    void withTheSeventhKeyEnqueueLuaStoresPlainJobsInCompactFormAndWorkersRunThem() throws Exception {
        String q = "jrq:{" + queue + "}:";
        assertThat(q + "queued").isEqualTo(keys.queued(queue));
        String id = "c" + UUID.randomUUID().toString().substring(0, 8);
        String payload = "{\"v\":1,\"fn\":\"io.jrq.testjobs.Jobs::add\",\"args\":[40,2]}";
        String reply = compactEnqueue(q, id, payload);
        String enqueuedAt = reply.split("\n")[0];
        // One field "<enqueued_at>:<payload>", no hash of its own, the id on the ready list.
        assertThat(redis.execute("HGET", q + "queued", id)).isEqualTo(enqueuedAt + ":" + payload);
        assertThat(redis.execute("EXISTS", keys.job(queue, id))).isEqualTo("0");
        assertThat(redis.execute("LRANGE", q + "ready", "0", "-1")).isEqualTo(id);
        // The id is taken in either form: the same payload again is this job, returned and not written
        // again; another payload is refused.
        String again = compactEnqueue(q, id, payload);
        assertThat(again.split("\n")[1]).isEqualTo(id);
        assertThat(redis.execute("HGET", q + "queued", id)).isEqualTo(enqueuedAt + ":" + payload);
        assertThat(redis.execute("LRANGE", q + "ready", "0", "-1")).isEqualTo(id);
        assertThatThrownBy(() -> compactEnqueue(q, id, payload.replace("40", "41")))
                .hasMessageContaining("JRQ_JOB_EXISTS " + id);
        assertThat(jrq.queue(queue).job(id).orElseThrow().status()).isEqualTo(JobStatus.QUEUED);

        try (Worker w = jrq.worker(queue)
                .allowPackages("io.jrq.testjobs")
                .handleSignals(false)
                .start()) {
            assertThat(jrq.queue(queue).job(id).orElseThrow().as(Integer.class).await(WAIT))
                    .isEqualTo(42);
        }
        String key = keys.job(queue, id);
        assertThat(redis.execute("HGET", key, "enqueued_at")).isEqualTo(enqueuedAt);
        assertThat(redis.execute("HLEN", q + "queued")).isEqualTo("0");
        assertDocumented(fields(key));
        assertEvents(id, "FINISHED");
    }

    /**
     * EVAL of the shipped enqueue.lua for one job, exactly as another language would send it: the six
     * documented KEYS, then ARGV front flag, due time, delay, unique scope, unique TTL, dependencies
     * ('[]'), dependency policy, and the id, payload, unique key triple.
     *
     * @return the reply, flattened: the enqueue time, then the ids
     */
    private List<String> enqueueLua(
            String front,
            String at,
            String delay,
            String scope,
            String uniqueTtl,
            String id,
            String payload,
            String uniqueKey)
            throws IOException {
        String q = "jrq:{" + queue + "}:";
        String reply = redis.execute(
                "EVAL",
                Files.readString(enqueueLua()),
                "6",
                q + "ready",
                q + "job:",
                q + "scheduled",
                q + "unique:",
                q + "deps:",
                q + "deferred",
                front,
                at,
                delay,
                scope,
                uniqueTtl,
                "[]",
                "cancel",
                id,
                payload,
                uniqueKey);
        return Arrays.asList(reply.split("\n"));
    }

    /**
     * Calls enqueue.lua with its seventh key, as another language would: one plain job, stored in
     * compact form.
     *
     * @return the script's raw reply
     */
    private String compactEnqueue(String q, String id, String payload) throws IOException {
        return redis.execute(
                "EVAL",
                Files.readString(enqueueLua()),
                "7",
                q + "ready",
                q + "job:",
                q + "scheduled",
                q + "unique:",
                q + "deps:",
                q + "deferred",
                q + "queued",
                "0",
                "-1",
                "-1",
                "Q",
                "-1",
                "[]",
                "cancel",
                id,
                payload,
                "");
    }

    /** Runs the shell producer and returns the ids it printed. */
    private List<String> runProducer(String id) throws Exception {
        Process p = new ProcessBuilder(
                        "bash",
                        resource("/producer/enqueue.sh").toString(),
                        redis.host(),
                        Integer.toString(redis.port()),
                        queue,
                        id,
                        enqueueLua().toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
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
        while (endedPairs().size() < expected.size() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(new TreeSet<>(endedPairs())).isEqualTo(expected);
    }

    /**
     * @return every "id=status" pair the events carried: a single event {"id":...,"status":...} (cancel,
     *     reap, release) or fetch.lua's batch {"ended":{"FINISHED":[ids...],...}}, nothing else
     */
    private List<String> endedPairs() throws IOException {
        List<String> pairs = new java.util.ArrayList<>();
        for (String e : events) {
            JsonNode n = JSON.readTree(e);
            if (n.has("ended")) {
                assertThat(n.size()).as("batch event %s has only ended", e).isEqualTo(1);
                for (Map.Entry<String, JsonNode> byStatus : n.get("ended").properties()) {
                    assertThat(byStatus.getValue().isArray())
                            .as("event %s lists ids per status", e)
                            .isTrue();
                    byStatus.getValue().forEach(id -> pairs.add(id.asText() + "=" + byStatus.getKey()));
                }
            } else {
                assertThat(n.size()).as("event %s has only id and status", e).isEqualTo(2);
                pairs.add(n.get("id").asText() + "=" + n.get("status").asText());
            }
        }
        return pairs;
    }

    /** Asserts that docs/PROTOCOL.md names every one of these job hash fields. */
    private static void assertDocumented(Set<String> fields) throws IOException {
        Path doc = Path.of(System.getProperty("basedir", "."))
                .resolve("../docs/PROTOCOL.md")
                .normalize();
        String text = Files.readString(doc);
        for (String f : fields) {
            assertThat(text).as("%s documents job field %s", doc, f).contains("`" + f + "`");
        }
    }

    private Set<String> fields(String key) {
        String reply = redis.execute("HKEYS", key);
        return reply == null || reply.isEmpty() ? Set.of() : new TreeSet<>(Arrays.asList(reply.split("\n")));
    }

    /** @return the member's score in a sorted set, as the integer the scripts wrote */
    private long score(String zset, String member) {
        String s = redis.execute("ZSCORE", zset, member);
        assertThat(s).as("%s in %s", member, zset).isNotNull();
        return (long) Double.parseDouble(s);
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

    /**
     * @return enqueue.lua as extracted from the jar; it must run as shipped: the build resolved its
     *     includes, and it is the very text the Java client sends
     */
    private Path enqueueLua() throws IOException {
        Path file = resource("/io/jrq/lua/enqueue.lua");
        String text = Files.readString(file);
        assertThat(text).as("enqueue.lua in the jar is self-contained").doesNotContainPattern("(?m)^-- @include ");
        assertThat(text)
                .as("enqueue.lua in the jar is what the Java client sends")
                .isEqualTo(Script.ENQUEUE.body());
        return file;
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null
                && Arrays.stream(path.split(File.pathSeparator))
                        .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }
}
