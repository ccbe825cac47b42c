package io.jrq.clients;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jrq.EnqueueOptions;
import io.jrq.Job;
import io.jrq.JobInfo;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.JrqOptions;
import io.jrq.Queue;
import io.jrq.Worker;
import io.jrq.testkit.RedisServer;
import io.jrq.testkit.Requirements;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Node client (clients/node) against a Java worker on a real Redis. One redis-server and one
 * worker serve the class. The Node suite ({@code node --test} in clients/node) runs with the
 * server's URL in its environment: it enqueues plain, delayed, retried, unique and dependent jobs
 * that the worker runs, waits for their results through pub/sub, cancels and stops jobs, reads the
 * jobs the Java client enqueued for each golden vector ({@code protocol/vectors.json}) and enqueues
 * its own; this class then reads the Node client's jobs from the Java side, field by field against
 * the vectors, and checks that the bad input the Node suite tried left nothing in Redis.
 */
class NodeClientIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QUEUE = "node-it";
    private static final String PARTITIONED = "node-it-part";
    /** The Java client's jobs of vector i live under this prefix plus i, the Node client's under the next. */
    private static final String JAVA_VECTORS = "javav";

    private static final String NODE_VECTORS = "nodev";
    private static final String BAD_INPUT = "nodebad";
    /** A database the Node suite may empty, for the vectors' records on an empty Redis. */
    private static final int VECTOR_DB = 9;

    private static final String[] SCRIPTS = {"enqueue.lua", "depend.lua", "release.lua", "cancel.lua"};

    private static RedisServer redis;
    private static Jrq jrq;
    private static Worker worker;
    private static RedisClient lettuce;
    private static StatefulRedisConnection<String, String> connection;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        jrq = Jrq.connect(redis.url());
        // A partitioned queue: the Node client must route its jobs as the Java one does.
        jrq.admin().partitions(PARTITIONED, 3);
        worker = jrq.worker(QUEUE, PARTITIONED)
                .concurrency(16)
                .shutdownGrace(Duration.ofSeconds(2))
                .handler("add", ctx -> ctx.arg(0, Integer.class) + ctx.arg(1, Integer.class))
                .handler("flaky", ctx -> {
                    if (ctx.attempt() < 2) {
                        throw new IllegalStateException("the first attempt fails");
                    }
                    return "ok on attempt " + ctx.attempt();
                })
                .handler("sleep", ctx -> {
                    Thread.sleep(ctx.arg(0, Long.class));
                    return "slept";
                })
                .handler("echo", ctx -> ctx.arg(0, Object.class))
                .start();
        lettuce = RedisClient.create(redis.url());
        connection = lettuce.connect();
    }

    @AfterAll
    static void stop() {
        if (connection != null) {
            connection.close();
            lettuce.shutdown();
        }
        if (worker != null) {
            worker.close();
        }
        if (jrq != null) {
            jrq.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** @return clients/node, found from the working directory (the module's, or the repository's) */
    private static Path nodeDir() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("clients/node/package.json"))) {
                return d.resolve("clients/node");
            }
            if (Files.isRegularFile(d.resolve("node/package.json")) && Files.isRegularFile(d.resolve("pom.xml"))) {
                return d.resolve("node");
            }
        }
        throw new IllegalStateException(
                "clients/node not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void theNodeClientsScriptsAreTheJarsAssembledOnes() throws IOException {
        for (String name : SCRIPTS) {
            byte[] mine = Files.readAllBytes(nodeDir().resolve("lua").resolve(name));
            assertThat(mine)
                    .as("clients/node/lua/" + name + " is the jar's io/jrq/lua/" + name + ": copy it again")
                    .isEqualTo(Vectors.script(name).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void theNodeClientAgainstAJavaWorker() throws Exception {
        Requirements.require(Requirements.onPath("node"), "node not found: apt-get install nodejs npm");
        Path dir = nodeDir();
        Requirements.require(
                Files.isDirectory(dir.resolve("node_modules/ioredis")),
                "clients/node/node_modules is missing: run npm ci in clients/node");
        List<JsonNode> vectors = Vectors.all();
        for (int i = 0; i < vectors.size(); i++) {
            enqueueInJava(vectors.get(i), JAVA_VECTORS + i);
        }

        Path out = Files.createTempFile("jrq-node-it", ".json");
        Path log = Files.createTempFile("jrq-node-it", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder("node", "--test", "--test-reporter=spec")
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = pb.environment();
            env.put("JRQ_REDIS_URL", redis.url());
            env.put("JRQ_VECTOR_REDIS_URL", redis.url() + "/" + VECTOR_DB);
            env.put("JRQ_JAVA_QUEUE", QUEUE);
            env.put("JRQ_JAVA_PARTITIONED", PARTITIONED);
            env.put("JRQ_NODE_OUT", out.toString());
            env.put("JRQ_BAD_INPUT_PREFIX", BAD_INPUT);
            env.put("JRQ_NODE_VECTOR_PREFIX", NODE_VECTORS);
            env.put("JRQ_JAVA_VECTOR_PREFIX", JAVA_VECTORS);
            env.put("NO_COLOR", "1");
            Process node = pb.start();
            boolean ended = node.waitFor(90, TimeUnit.SECONDS);
            if (!ended) {
                node.destroyForcibly();
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(ended).as("node --test ended within 90 s:%n%s", output).isTrue();
            assertThat(node.exitValue()).as("node --test passed:%n%s", output).isZero();
            // The tests that need this class's environment say "... not set" when they skip.
            assertThat(output)
                    .as("node --test ran the tests this class sets up:%n%s", output)
                    .doesNotContain("not set")
                    .contains("\u2139 fail 0");
            assertThat(output).contains("a plain job runs on the Java worker");

            JsonNode refs = JSON.readTree(out.toFile());
            checkNodesJobsRanHere(refs);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(log);
        }

        for (int i = 0; i < vectors.size(); i++) {
            checkNodesVectorJob(vectors.get(i), NODE_VECTORS + i);
        }
        RedisCommands<String, String> r = connection.sync();
        assertThat(r.keys(BAD_INPUT + ":*"))
                .as("the bad input the Node client refused stored nothing")
                .containsExactly(BAD_INPUT + ":protocol");
    }

    /** The jobs the Node suite enqueued on the worker's queue, as the Java client reads them. */
    private static void checkNodesJobsRanHere(JsonNode refs) {
        Queue q = jrq.queue(QUEUE);
        JobInfo plain = info(q, refs, "plain");
        assertThat(plain.status()).isEqualTo(JobStatus.FINISHED);
        assertThat(plain.function()).isEqualTo("add");
        assertThat(plain.description()).isEqualTo("two and three");
        assertThat(plain.meta()).isEqualTo(Map.of("from", "node"));
        assertThat(plain.result()).contains("5");
        assertThat(plain.attempts()).isEqualTo(1);
        assertThat(plain.worker()).contains(worker.name());

        JobInfo delayed = info(q, refs, "delayed");
        assertThat(delayed.result()).contains("30");
        assertThat(Duration.between(
                        delayed.enqueuedAt().orElseThrow(), delayed.startedAt().orElseThrow()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(400));

        JobInfo retried = info(q, refs, "retried");
        assertThat(retried.status()).isEqualTo(JobStatus.FINISHED);
        assertThat(retried.attempts()).isEqualTo(2);
        assertThat(retried.attemptErrors()).hasSize(1);
        assertThat(retried.result()).contains("\"ok on attempt 2\"");

        assertThat(info(q, refs, "unique").result()).contains("2");
        JobInfo dependency = info(q, refs, "dependency");
        JobInfo dependent = info(q, refs, "dependent");
        assertThat(dependent.status()).isEqualTo(JobStatus.FINISHED);
        assertThat(dependent.startedAt().orElseThrow())
                .isAfterOrEqualTo(dependency.endedAt().orElseThrow());

        assertThat(info(q, refs, "canceled").status()).isEqualTo(JobStatus.CANCELED);
        JobInfo stopped = info(q, refs, "stopped");
        assertThat(stopped.status()).isEqualTo(JobStatus.STOPPED);
        assertThat(stopped.error().orElseThrow().type()).isEqualTo("io.jrq.JobStoppedException");
        assertThat(info(q, refs, "failed").status()).isEqualTo(JobStatus.FAILED);

        JsonNode bulk = refs.get("bulk");
        assertThat(bulk.size()).isEqualTo(200);
        for (int i = 0; i < bulk.size(); i++) {
            Job<Object> job = q.job(idOf(bulk.get(i).asText())).orElseThrow();
            assertThat(job.status()).as(bulk.get(i).asText()).isEqualTo(JobStatus.FINISHED);
            assertThat(job.info().result()).contains(Integer.toString(2 * i));
        }
        assertThat(info(q, refs, "echo").status()).isEqualTo(JobStatus.FINISHED);
    }

    private static JobInfo info(Queue q, JsonNode refs, String name) {
        String ref = refs.get(name).asText();
        assertThat(ref).startsWith(QUEUE + "/");
        return q.job(idOf(ref))
                .orElseThrow(() -> new AssertionError("no job " + ref))
                .info();
    }

    private static String idOf(String ref) {
        return ref.substring(ref.indexOf('/') + 1);
    }

    /** Enqueues a vector's input with the Java client under {@code prefix}, after its setup calls. */
    private static void enqueueInJava(JsonNode v, String prefix) throws ClassNotFoundException {
        Vectors.setup(connection.sync(), v, prefix);
        JsonNode enq = v.get("enqueue");
        try (Jrq java = Jrq.connect(
                JrqOptions.builder().url(redis.url()).keyPrefix(prefix).build())) {
            Queue q = java.queue(enq.get("queue").asText());
            String fn = enq.get("fn").asText();
            List<String> ids = new ArrayList<>();
            if (enq.has("bulk")) {
                // The Java client draws its own ids in a bulk enqueue: the vector's ids are given one
                // job at a time instead, the last first at the front so that the given order runs first.
                int n = enq.get("bulk").size();
                boolean front = enq.path("options").path("at_front").asBoolean(false);
                String[] got = new String[n];
                for (int k = 0; k < n; k++) {
                    int i = front ? n - 1 - k : k;
                    EnqueueOptions.Builder b = Vectors.options(enq.get("options"));
                    b.jobId(enq.get("ids").get(i).asText());
                    got[i] = q.with(b.build())
                            .enqueue(fn, elements(enq.get("bulk").get(i)).toArray())
                            .id();
                }
                ids.addAll(List.of(got));
            } else {
                ids.add(q.with(Vectors.options(enq.get("options")).build())
                        .enqueue(fn, elements(enq.get("args")).toArray())
                        .id());
            }
            List<String> expected = new ArrayList<>();
            v.get("ids").forEach(id -> expected.add(id.asText()));
            assertThat(ids).as(v.get("name").asText()).isEqualTo(expected);
        }
    }

    /** A vector's Node job, read with the Java client and as raw records, against the vector. */
    private static void checkNodesVectorJob(JsonNode v, String prefix) throws IOException {
        String name = v.get("name").asText();
        JsonNode enq = v.get("enqueue");
        String queue = enq.get("queue").asText();
        try (Jrq java = Jrq.connect(
                JrqOptions.builder().url(redis.url()).keyPrefix(prefix).build())) {
            Queue q = java.queue(queue);
            JsonNode argLists =
                    enq.has("bulk") ? enq.get("bulk") : JSON.createArrayNode().add(enq.get("args"));
            JsonNode options = enq.get("options");
            for (int i = 0; i < v.get("ids").size(); i++) {
                String id = v.get("ids").get(i).asText();
                String what = name + ": " + queue + "/" + id;
                JobInfo info = q.job(id)
                        .orElseThrow(() -> new AssertionError("no job " + what))
                        .info();
                assertThat(info.status().name()).as(what + " status").isEqualTo(storedStatus(v, id));
                assertThat(info.function())
                        .as(what + " function")
                        .isEqualTo(enq.get("fn").asText());
                assertThat(JSON.readTree(info.arguments()))
                        .as(what + " arguments")
                        .isEqualTo(argLists.get(i));
                assertThat(info.description())
                        .as(what + " description")
                        .isEqualTo(options.path("description").asText(""));
                Map<String, String> meta = new TreeMap<>();
                options.path("meta")
                        .properties()
                        .forEach(e -> meta.put(e.getKey(), e.getValue().asText()));
                assertThat(new TreeMap<>(info.meta())).as(what + " meta").isEqualTo(meta);
                assertThat(info.enqueuedAt()).as(what + " enqueued at").isPresent();
                List<String> deps = new ArrayList<>();
                options.path("depends_on").forEach(d -> deps.add(d.asText()));
                assertThat(info.dependsOn()).as(what + " depends on").isEqualTo(deps);
            }
        }
        Vectors.assertStored(name, v.get("stored"), Vectors.dump(connection.sync(), prefix, Map.of()));
    }

    /** The status a vector's job is stored with: its hash's, or QUEUED for a compact record. */
    private static String storedStatus(JsonNode v, String id) {
        String q = v.get("enqueue").get("queue").asText();
        JsonNode hash = v.get("stored").get("jrq:{" + q + "}:job:" + id);
        if (hash != null) {
            return hash.get("value").get("status").asText();
        }
        assertThat(v.get("stored").get("jrq:{" + q + "}:queued").get("value").has(id))
                .as(id + " is a compact record")
                .isTrue();
        return "QUEUED";
    }

    private static List<Object> elements(JsonNode array) {
        List<Object> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }
}
