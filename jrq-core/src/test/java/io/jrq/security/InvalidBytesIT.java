package io.jrq.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrq.CorruptJobException;
import io.jrq.InvalidPayloadException;
import io.jrq.Job;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.Queue;
import io.jrq.Worker;
import io.jrq.internal.Keys;
import io.jrq.testjobs.Jobs;
import io.jrq.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bytes a bad producer may store where jrq expects UTF-8 text, and payloads over the size limit
 * producers are held to: each such job ends FAILED on its first fetch and never runs. A job id that
 * is not UTF-8 is renamed {@code invalid-id:<hex>} (a worker reading it as text would address
 * another key, and the job would run once per lease).
 */
class InvalidBytesIT {
    private static final Keys KEYS = new Keys("jrq");
    private static RedisServer redis;
    private static Jrq jrq;
    private static Worker worker;
    private static RedisClient raw;
    private static RedisCommands<byte[], byte[]> bytes;
    private static String queue;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        jrq = Jrq.connect(redis.url());
        queue = "bytes-" + UUID.randomUUID().toString().substring(0, 8);
        worker = jrq.worker(queue)
                .allowPackages("io.jrq.testjobs")
                .concurrency(2)
                .handleSignals(false)
                .leaseDuration(Duration.ofSeconds(1))
                .reapInterval(Duration.ofMillis(100))
                .shutdownGrace(Duration.ZERO)
                .start();
        raw = RedisClient.create(redis.url());
        StatefulRedisConnection<byte[], byte[]> c = raw.connect(ByteArrayCodec.INSTANCE);
        bytes = c.sync();
    }

    @AfterAll
    static void stop() {
        worker.close();
        jrq.close();
        raw.shutdown();
        redis.close();
    }

    @Test
    void anIdThatIsNotUtf8IsRenamedAndFailedWithoutRunning() throws Exception {
        byte[] payload = payloadOf("never-" + UUID.randomUUID());
        byte[] id = {'x', (byte) 0xff};
        bytes.hset(concat(b(KEYS.jobPrefix(queue)), id), b("payload"), payload);
        bytes.hset(concat(b(KEYS.jobPrefix(queue)), id), b("status"), b("QUEUED"));
        bytes.lpush(b(KEYS.ready(queue)), id);
        assertFailedUnrun("invalid-id:78ff", CorruptJobException.class, "not valid UTF-8");
        assertThat(bytes.exists(concat(b(KEYS.jobPrefix(queue)), id)))
                .as("the key under the bad id")
                .isZero();
    }

    @Test
    void aCompactRecordUnderAnIdThatIsNotUtf8IsFailedToo() throws Exception {
        byte[] payload = payloadOf("never-" + UUID.randomUUID());
        byte[] id = {'y', (byte) 0xfe, 'z'};
        bytes.hset(b(KEYS.queued(queue)), id, concat(b(System.currentTimeMillis() + ":"), payload));
        bytes.lpush(b(KEYS.ready(queue)), id);
        assertFailedUnrun("invalid-id:79fe7a", CorruptJobException.class, "not valid UTF-8");
        assertThat(bytes.hexists(b(KEYS.queued(queue)), id)).isFalse();
    }

    @Test
    void argumentsThatAreNotUtf8AreRefusedNotReplaced() throws Exception {
        String marker = "mark-" + UUID.randomUUID();
        byte[] payload = replace(payloadOf(marker), b(marker), concat(b("bad"), new byte[] {(byte) 0xc3, '('}));
        String id = "badarg-" + UUID.randomUUID();
        storeHash(id, payload);
        assertFailedUnrun(id, CorruptJobException.class, "not valid UTF-8 (byte 0xc3)");
        assertThat(Jobs.RUNS.keySet()).noneMatch(k -> k.startsWith("bad"));
    }

    @Test
    void payloadsOverTheLimitAreFailedByTheWorker() throws Exception {
        for (int mib : new int[] {2, 8}) {
            String marker = "big-" + UUID.randomUUID();
            byte[] payload = replace(payloadOf(marker), b(marker), b("big" + "a".repeat(mib << 20)));
            String id = "big" + mib + "-" + UUID.randomUUID();
            storeHash(id, payload);
            assertFailedUnrun(id, InvalidPayloadException.class, "over the limit of " + (1 << 20) + " bytes");
            // The compact form of a queued job too.
            String compactId = "bigc" + mib + "-" + UUID.randomUUID();
            bytes.hset(b(KEYS.queued(queue)), b(compactId), concat(b(System.currentTimeMillis() + ":"), payload));
            bytes.lpush(b(KEYS.ready(queue)), b(compactId));
            assertFailedUnrun(compactId, InvalidPayloadException.class, "over the limit");
        }
        assertThat(Jobs.RUNS.keySet()).noneMatch(k -> k.startsWith("big"));
    }

    private static void storeHash(String id, byte[] payload) {
        byte[] key = b(KEYS.job(queue, id));
        bytes.hset(key, b("payload"), payload);
        bytes.hset(key, b("status"), b("QUEUED"));
        bytes.lpush(b(KEYS.ready(queue)), b(id));
    }

    private static void assertFailedUnrun(String id, Class<?> type, String reason) throws InterruptedException {
        Queue q = jrq.queue(queue);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> q.job(id).map(j -> j.status() == JobStatus.FAILED).orElse(false));
        Job<Object> job = q.job(id).orElseThrow();
        assertThat(job.error().orElseThrow().type()).isEqualTo(type.getName());
        assertThat(job.error().orElseThrow().message()).contains(reason);
        // Long enough for any lease taken to run out and be reaped several times over.
        Thread.sleep(1500);
        assertThat(q.job(id).orElseThrow().status()).isEqualTo(JobStatus.FAILED);
        assertThat(bytes.zscore(b(KEYS.failed(queue)), b(id)))
                .as("in the failed registry")
                .isNotNull();
    }

    /** The stored envelope of a touch(label) job, as the Java client writes it. */
    private static byte[] payloadOf(String label) {
        String src = "src-" + UUID.randomUUID().toString().substring(0, 8);
        Job<Void> j = jrq.queue(src).enqueue(Jobs::touch, label);
        byte[] compact = bytes.hget(b(KEYS.queued(src)), b(j.id()));
        String text = new String(compact, StandardCharsets.UTF_8);
        return b(text.substring(text.indexOf(':') + 1));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static byte[] replace(byte[] in, byte[] what, byte[] with) {
        String s = new String(in, StandardCharsets.ISO_8859_1);
        String w = new String(what, StandardCharsets.ISO_8859_1);
        int at = s.indexOf(w);
        assertThat(at).as("marker in the payload").isNotNegative();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(in, 0, at);
        out.writeBytes(with);
        out.write(in, at + what.length, in.length - at - what.length);
        return out.toByteArray();
    }
}
