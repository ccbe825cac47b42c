package io.jrq.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.jrq.Job;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.QueueInfo;
import io.jrq.RecurringJob;
import io.jrq.internal.Keys;
import io.jrq.testjobs.Jobs;
import io.jrq.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Members of the queue registry ({@code jrq:queues}) that are not queue names, written by something
 * else: every listing that reads the registry leaves them out with one warning each, shown escaped,
 * and still lists every valid queue. Runs on a server of its own, since such members would show in
 * every other test's listings.
 */
class QueueRegistryIT {
    private static final Keys KEYS = new Keys("jrq");

    private RedisServer redis;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.setContext(root.getLoggerContext());
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        redis.close();
    }

    private List<String> warnings() {
        // logback's AppenderBase appends under the appender's own monitor, so reads take that one
        synchronized (logs) {
            return logs.list.stream()
                    .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                    .map(ILoggingEvent::getFormattedMessage)
                    .toList();
        }
    }

    private void sadd(byte[]... members) {
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + redis.port());
        try (StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE)) {
            c.sync().sadd(KEYS.queues().getBytes(StandardCharsets.UTF_8), members);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void badMembersAreSkippedWithOneWarningEachAndEveryValidQueueIsListed() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String a = "reg-a-" + tag;
        String b = "reg-b-" + tag;
        // Each bad member is unique to this run: warnings are given once per member and process.
        byte[] spaces = ("bad queue name{}" + tag).getBytes(StandardCharsets.UTF_8);
        byte[] notUtf8 = {(byte) 0xff, (byte) 0xfe, 'x', (byte) 0xc3, '-', 't'};
        byte[] escape = ("\u001b[31mred\u001b[0m\n" + tag).getBytes(StandardCharsets.UTF_8);
        byte[] long300 = ("L" + tag + "x".repeat(300)).getBytes(StandardCharsets.UTF_8);
        byte[] empty = {};
        try (Jrq jrq = Jrq.connect(redis.url())) {
            Job<Integer> failed = jrq.queue(a).enqueue(Jobs::add, 1, 2);
            jrq.queue(b).enqueue(Jobs::add, 3, 4);
            jrq.recurring()
                    .schedule(RecurringJob.builder("tick-" + tag)
                            .every(Duration.ofHours(1))
                            .queue(b)
                            .call(Jobs::hello)
                            .build());
            sadd(spaces, notUtf8, escape, long300, empty);
            assertThat(redis.execute("SCARD", KEYS.queues())).isEqualTo("7");

            List<QueueInfo> queues = jrq.admin().queues();
            assertThat(queues).extracting(QueueInfo::name).containsExactly(a, b);
            assertThat(queues.get(0).count(JobStatus.QUEUED)).isEqualTo(1);
            // Again: still listed, no second warning for the same members.
            assertThat(jrq.admin().queues()).extracting(QueueInfo::name).containsExactly(a, b);
            // The other readers of the registry: a job found by id alone, the recurring jobs.
            assertThat(jrq.job(failed.id()))
                    .hasValueSatisfying(j -> assertThat(j.queue()).isEqualTo(a));
            assertThat(jrq.recurring().list()).extracting(r -> r.name()).containsExactly("tick-" + tag);
            assertThat(jrq.recurring().unreadable()).isEmpty();

            List<String> registry =
                    warnings().stream().filter(w -> w.contains(KEYS.queues())).toList();
            System.out.println("QueueRegistryIT: " + String.join("\n  ", registry));
            assertThat(registry).hasSize(5);
            assertThat(registry).allMatch(w -> w.startsWith("skipped a bad record: jrq:queues holds '"));
            assertThat(registry)
                    .filteredOn(w -> w.contains("'bad queue name{}" + tag + "'"))
                    .hasSize(1);
            assertThat(registry)
                    .filteredOn(w -> w.contains("'\\xff\\xfex\\xc3-t'") && w.contains("not UTF-8"))
                    .hasSize(1);
            // Control characters never reach a log line or a terminal as they are.
            assertThat(registry)
                    .filteredOn(w -> w.contains("'\\x1b[31mred\\x1b[0m\\x0a" + tag + "'"))
                    .hasSize(1);
            assertThat(registry).noneMatch(w -> w.contains("\u001b") || w.contains("\n"));
            assertThat(registry)
                    .filteredOn(w -> w.contains(
                            "'L" + tag + "x".repeat(100 - 1 - tag.length()) + "... (" + long300.length + " bytes)'"))
                    .hasSize(1);
            assertThat(registry).filteredOn(w -> w.contains("holds ''")).hasSize(1);
            // Nothing was removed: the registry is only read.
            assertThat(redis.execute("SCARD", KEYS.queues())).isEqualTo("7");
        }
    }

    @Test
    void aCountKeyOfAnotherTypeHidesOnlyItself() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String a = "cnt-a-" + tag;
        String b = "cnt-b-" + tag;
        try (Jrq jrq = Jrq.connect(redis.url())) {
            jrq.queue(a).enqueue(Jobs::add, 1, 2);
            jrq.queue(b).enqueue(Jobs::add, 3, 4);
            redis.execute("SET", KEYS.scheduled(a), "not a sorted set");

            List<QueueInfo> queues = jrq.admin().queues();

            assertThat(queues).extracting(QueueInfo::name).containsExactly(a, b);
            assertThat(queues.get(0).count(JobStatus.QUEUED)).isEqualTo(1);
            assertThat(queues.get(0).count(JobStatus.SCHEDULED)).isZero();
            assertThat(warnings())
                    .anyMatch(w -> w.startsWith("skipped a bad record: " + KEYS.scheduled(a) + " counts 0: ")
                            && w.contains("WRONGTYPE"));
        }
    }
}
