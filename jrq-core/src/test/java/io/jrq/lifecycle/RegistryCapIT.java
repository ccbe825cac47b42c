package io.jrq.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.JrqOptions;
import io.jrq.Queue;
import io.jrq.Worker;
import io.jrq.internal.Keys;
import io.jrq.testjobs.Jobs;
import io.jrq.testkit.Private;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The finished registry has its own cap, separate from the failed one: a queue that finishes many
 * jobs keeps their results up to {@code finishedJobsMax}, while failures stay capped by
 * {@code failedJobsMax}; past a cap the oldest jobs are deleted with their hashes.
 */
@ExtendWith(RedisExtension.class)
class RegistryCapIT {
    private static final int FINISHED_MAX = 300;
    private static final int FAILED_MAX = 20;

    @Test
    void finishedAndFailedJobsAreCappedSeparately(@Private RedisServer redis) {
        JrqOptions options = JrqOptions.builder()
                .url(redis.url())
                .finishedJobsMax(FINISHED_MAX)
                .failedJobsMax(FAILED_MAX)
                .build();
        String name = "caps";
        Keys keys = new Keys("jrq");
        try (Jrq jrq = Jrq.connect(options);
                Worker w = jrq.worker(name)
                        .allowPackages("io.jrq.testjobs")
                        .concurrency(8)
                        .handleSignals(false)
                        .start()) {
            Queue q = jrq.queue(name);
            List<io.jrq.Job<Integer>> ok =
                    q.enqueueAll(Jobs::square, IntStream.range(0, 1000).boxed().toList());
            q.enqueueAll(
                    Jobs::fail,
                    IntStream.range(0, 100).mapToObj(i -> "failure " + i).toList());
            await().atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> "0".equals(redis.execute("LLEN", keys.ready(name)))
                            && "0".equals(redis.execute("ZCARD", keys.active(name))));
            long finished = Long.parseLong(redis.execute("ZCARD", keys.finished(name)));
            long failed = Long.parseLong(redis.execute("ZCARD", keys.failed(name)));
            long hashes = redis.execute("KEYS", keys.jobPrefix(name) + "*").split("\n").length;
            System.out.printf(
                    "RegistryCapIT: 1000 finished, 100 failed; kept finished=%d failed=%d job hashes=%d%n",
                    finished, failed, hashes);
            assertThat(finished).isEqualTo(FINISHED_MAX);
            assertThat(failed).isEqualTo(FAILED_MAX);
            assertThat(hashes).isEqualTo(FINISHED_MAX + FAILED_MAX);
            // The queue's counters keep counting past the caps (jrq info's jobs/s reads them).
            io.jrq.QueueInfo info = jrq.admin().queue(name);
            assertThat(info.finishedTotal()).isEqualTo(1000);
            assertThat(info.failedTotal()).isEqualTo(100);
            assertThat(info.count(JobStatus.FINISHED)).isEqualTo(FINISHED_MAX);
            // The newest finished jobs keep their results; the oldest are gone.
            assertThat(ok.get(999).info().status()).isEqualTo(JobStatus.FINISHED);
            assertThat(ok.get(999).await(Duration.ofSeconds(5))).isEqualTo(999 * 999);
            assertThat(q.job(ok.get(0).id())).isEmpty();
        }
    }
}
