package io.jrq.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrq.Jrq;
import io.jrq.JrqOptions;
import io.jrq.Queue;
import io.jrq.internal.Keys;
import io.jrq.testjobs.Jobs;
import io.jrq.testkit.Private;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** 200,000 jobs through a queue leave nothing behind once their TTLs pass. */
@ExtendWith(RedisExtension.class)
class BoundedMemoryIT {
    private static final int JOBS = 200_000;
    private static final int FAILING = 2_000;

    @Test
    void memoryReturnsToWhereItStartedOnceTheTtlsPass(@Private RedisServer redis) {
        JrqOptions options = JrqOptions.builder()
                .url(redis.url())
                .resultTtl(Duration.ofSeconds(2))
                .failureTtl(Duration.ofSeconds(2))
                .build();
        String name = "memory";
        Keys keys = new Keys("jrq");
        List<AutoCloseable> open = new ArrayList<>();
        try (Jrq jrq = Jrq.connect(options)) {
            for (int i = 0; i < 2; i++) {
                Jrq client = Jrq.connect(options);
                open.add(client);
                open.add(client.worker(name)
                        .allowPackages("io.jrq.testjobs")
                        .concurrency(16)
                        .reapInterval(Duration.ofMillis(500))
                        .handleSignals(false)
                        .start());
            }
            Queue q = jrq.queue(name);
            // Warm up (script cache, connections, registries), then take the baseline.
            run(
                    redis,
                    keys,
                    name,
                    () -> q.enqueueAll(
                            Jobs::square, IntStream.range(0, 1000).boxed().toList()));
            long baseline = usedMemory(redis);
            long baseKeys = Long.parseLong(redis.execute("DBSIZE"));

            run(redis, keys, name, () -> {
                for (int from = 0; from < JOBS - FAILING; from += 10_000) {
                    q.enqueueAll(
                            Jobs::square,
                            IntStream.range(from, Math.min(JOBS - FAILING, from + 10_000))
                                    .boxed()
                                    .toList());
                }
                q.enqueueAll(
                        Jobs::fail,
                        IntStream.range(0, FAILING)
                                .mapToObj(i -> "failure " + i)
                                .toList());
            });
            long after = usedMemory(redis);
            System.out.printf(
                    "BoundedMemoryIT: %d jobs; used_memory baseline %d B, after TTLs %d B (%+d B); keys %d -> %s%n",
                    JOBS, baseline, after, after - baseline, baseKeys, redis.execute("DBSIZE"));
            assertThat(after - baseline).isLessThan(3L << 20);
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                try {
                    open.get(i).close();
                } catch (Exception ignored) {
                    // closing the rest matters more
                }
            }
        }
    }

    /** Runs the enqueues, waits until every job ended, its TTL passed and the registries were trimmed. */
    private static void run(RedisServer redis, Keys keys, String name, Runnable enqueue) {
        enqueue.run();
        await().atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> "0".equals(redis.execute("LLEN", keys.ready(name)))
                        && "0".equals(redis.execute("ZCARD", keys.active(name))));
        await().atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> "0".equals(redis.execute("ZCARD", keys.finished(name)))
                        && "0".equals(redis.execute("ZCARD", keys.failed(name)))
                        && Long.parseLong(redis.execute("DBSIZE")) < 50);
    }

    private static long usedMemory(RedisServer redis) {
        for (String line : redis.execute("INFO", "memory").split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).trim());
            }
        }
        throw new IllegalStateException("no used_memory in INFO memory");
    }
}
