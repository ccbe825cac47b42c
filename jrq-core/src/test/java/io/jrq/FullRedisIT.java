package io.jrq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.jrq.testjobs.Jobs;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A Redis full under {@code noeviction} (maxmemory reached, a {@code SET} refused) with jobs
 * waiting: new workers start, lease, renew leases past their length, record every outcome, and
 * so drain the queue, each job run exactly once. Producers are refused meanwhile (EnqueueErrorsIT
 * shows how).
 */
class FullRedisIT {
    @Test
    void workersStartAndDrainAFullRedisRunningEachJobOnce() throws Exception {
        String queue = "full-" + UUID.randomUUID().toString().substring(0, 8);
        try (RedisServer redis = EnqueueErrorsIT.fullableServer();
                Jrq producer = Jrq.connect(redis.url())) {
            redis.execute("CONFIG", "SET", "maxmemory", "64mb");
            Queue q = producer.queue(queue);
            List<String> keys =
                    IntStream.range(0, 2000).mapToObj(i -> queue + "-" + i).toList();
            List<Job<Void>> quick = q.enqueueAll(Jobs::touch, keys);
            // Longer than the lease: they finish once only if renewals work on the full Redis.
            List<Job<Long>> slow = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                slow.add(q.enqueue(Jobs::sleep, 2500L));
            }
            EnqueueErrorsIT.fill(redis);
            assertThat(catchThrowable(() -> q.enqueue(Jobs::touch, queue + "-refused")))
                    .isInstanceOf(RedisFullException.class);

            List<Worker> workers = new ArrayList<>();
            try (Jrq a = Jrq.connect(redis.url());
                    Jrq b = Jrq.connect(redis.url())) {
                for (Jrq client : List.of(a, b)) {
                    workers.add(client.worker(queue)
                            .allowPackages("io.jrq.testjobs")
                            .concurrency(8)
                            .handleSignals(false)
                            .leaseDuration(Duration.ofSeconds(1))
                            .reapInterval(Duration.ofMillis(200))
                            .shutdownGrace(Duration.ZERO)
                            .start());
                }
                await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> keys.stream().allMatch(Jobs.RUNS::containsKey)
                                && slow.stream().allMatch(j -> j.status() == JobStatus.FINISHED));
                for (Job<Void> job : quick) {
                    assertThat(job.status()).as("status of %s", job.id()).isEqualTo(JobStatus.FINISHED);
                }
                for (Job<Long> job : slow) {
                    assertThat(job.attempts())
                            .as("attempts of the slow job %s", job.id())
                            .isEqualTo(1);
                }
                assertThat(keys)
                        .allSatisfy(k -> assertThat(Jobs.RUNS.get(k).get())
                                .as("runs of %s", k)
                                .isEqualTo(1));
                System.out.printf(
                        "FullRedisIT: %d jobs drained by 2 workers started on a full Redis (maxmemory %s B,"
                                + " used %s B at the end), each run once%n",
                        keys.size() + slow.size(),
                        redis.execute("CONFIG", "GET", "maxmemory").split("\n")[1],
                        usedMemory(redis));
            } finally {
                workers.forEach(Worker::close);
            }
        }
    }

    private static String usedMemory(RedisServer redis) {
        for (String line : redis.execute("INFO", "memory").split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return line.substring("used_memory:".length()).trim();
            }
        }
        return "?";
    }
}
