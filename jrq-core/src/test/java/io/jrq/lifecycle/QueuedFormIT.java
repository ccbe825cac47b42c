package io.jrq.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrq.EnqueueOptions;
import io.jrq.Job;
import io.jrq.JobExistsException;
import io.jrq.JobInfo;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.Queue;
import io.jrq.RetryPolicy;
import io.jrq.Uniqueness;
import io.jrq.Worker;
import io.jrq.internal.Keys;
import io.jrq.testjobs.Gates;
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
 * A plain queued job lives as one field of its queue's queued hash ({@code <enqueued_at>:<payload>})
 * until a worker leases it or a script must change it; every reader and every operation sees it as
 * the QUEUED job it is. Leased, it gets a hash of its own whose payload waits in the queue's running
 * hash until the lease ends; every reader still sees the whole job, and every end of the lease puts
 * the payload where it belongs.
 */
@ExtendWith(RedisExtension.class)
class QueuedFormIT {
    private static final Keys KEYS = new Keys("jrq");

    @Test
    void plainJobIsAFieldUntilLeasedAndReadsAsQueued(@Private RedisServer redis) {
        try (Jrq jrq = Jrq.connect(redis.url())) {
            Queue q = jrq.queue("compact");
            Job<Integer> job = q.enqueue(Jobs::square, 7);

            assertThat(redis.execute("EXISTS", KEYS.job("compact", job.id())))
                    .as("no hash of its own")
                    .isEqualTo("0");
            String record = redis.execute("HGET", KEYS.queued("compact"), job.id());
            assertThat(record).matches("\\d{13}:\\{.*\"fn\":\"io.jrq.testjobs.Jobs::square\".*");
            assertThat(redis.execute("LRANGE", KEYS.ready("compact"), "0", "-1"))
                    .isEqualTo(job.id());

            JobInfo info = job.info();
            assertThat(info.status()).isEqualTo(JobStatus.QUEUED);
            assertThat(info.function()).isEqualTo("io.jrq.testjobs.Jobs::square");
            assertThat(info.enqueuedAt().orElseThrow().toEpochMilli())
                    .isEqualTo(Long.parseLong(record.substring(0, 13)));
            assertThat(jrq.job(job.id())).as("found by id across queues").isPresent();
            assertThat(jrq.admin().jobs("compact", JobStatus.QUEUED, 0, 10))
                    .extracting(JobInfo::id)
                    .containsExactly(job.id());

            try (Worker w = jrq.worker("compact")
                    .allowPackages("io.jrq.testjobs")
                    .handleSignals(false)
                    .start()) {
                assertThat(job.await(Duration.ofSeconds(10))).isEqualTo(49);
            }
            assertThat(redis.execute("HLEN", KEYS.queued("compact")))
                    .as("field removed at lease")
                    .isEqualTo("0");
            assertThat(redis.execute("HGET", KEYS.job("compact", job.id()), "status"))
                    .isEqualTo("FINISHED");
            assertThat(redis.execute("HGET", KEYS.job("compact", job.id()), "enqueued_at"))
                    .isEqualTo(record.substring(0, 13));
            assertThat(job.info().attempts()).isEqualTo(1);
        }
    }

    @Test
    void jobsWithStateOfTheirOwnKeepAHash(@Private RedisServer redis) {
        try (Jrq jrq = Jrq.connect(redis.url())) {
            Queue q = jrq.queue("hashes");
            Job<Integer> unique = q.with(EnqueueOptions.builder()
                            .unique("u", Uniqueness.WHILE_QUEUED)
                            .build())
                    .enqueue(Jobs::square, 1);
            Job<Integer> delayed = q.in(Duration.ofHours(1)).enqueue(Jobs::square, 2);
            Job<Integer> dependent =
                    q.with(EnqueueOptions.builder().dependsOn(unique).build()).enqueue(Jobs::square, 3);
            Job<Integer> described = q.with(EnqueueOptions.builder()
                            .description("a plain job with options")
                            .build())
                    .enqueue(Jobs::square, 4);
            for (Job<Integer> j : List.of(unique, delayed, dependent)) {
                assertThat(redis.execute("EXISTS", KEYS.job("hashes", j.id())))
                        .as(j.id())
                        .isEqualTo("1");
            }
            // Options carried by the payload do not need a hash.
            assertThat(redis.execute("HEXISTS", KEYS.queued("hashes"), described.id()))
                    .isEqualTo("1");
            assertThat(described.info().description()).isEqualTo("a plain job with options");
        }
    }

    @Test
    void cancelDeleteAndEmptyReachCompactJobs(@Private RedisServer redis) {
        try (Jrq jrq = Jrq.connect(redis.url())) {
            Queue q = jrq.queue("ops");
            Job<Integer> canceled = q.enqueue(Jobs::square, 1);
            Job<Integer> deleted = q.enqueue(Jobs::square, 2);
            List<Job<Integer>> rest =
                    q.enqueueAll(Jobs::square, IntStream.range(0, 50).boxed().toList());
            Job<Integer> withHash = q.with(EnqueueOptions.builder()
                            .unique("h", Uniqueness.WHILE_QUEUED)
                            .build())
                    .enqueue(Jobs::square, 3);

            assertThat(canceled.cancel()).isEqualTo(JobStatus.CANCELED);
            assertThat(canceled.status()).isEqualTo(JobStatus.CANCELED);
            assertThat(redis.execute("HEXISTS", KEYS.queued("ops"), canceled.id()))
                    .isEqualTo("0");
            assertThat(redis.execute("LPOS", KEYS.ready("ops"), canceled.id()))
                    .as("off the ready list")
                    .isNull();

            assertThat(jrq.admin().delete("ops", List.of(deleted.id()))).isEqualTo(1);
            assertThat(q.job(deleted.id())).isEmpty();
            assertThat(redis.execute("LPOS", KEYS.ready("ops"), deleted.id())).isNull();
            assertThat(q.size()).isEqualTo(51);

            assertThat(jrq.admin().empty("ops")).isEqualTo(51);
            assertThat(q.job(rest.get(0).id())).isEmpty();
            assertThat(q.job(withHash.id())).isEmpty();
            assertThat(redis.execute("HLEN", KEYS.queued("ops"))).isEqualTo("0");
            assertThat(redis.execute("KEYS", KEYS.jobPrefix("ops") + "*").split("\n"))
                    .containsExactly(KEYS.job("ops", canceled.id()));

            try (Worker w = jrq.worker("ops")
                    .allowPackages("io.jrq.testjobs")
                    .handleSignals(false)
                    .start()) {
                Job<Integer> after = q.enqueue(Jobs::square, 9);
                assertThat(after.await(Duration.ofSeconds(10))).isEqualTo(81);
                assertThat(canceled.status())
                        .as("a canceled compact job never runs")
                        .isEqualTo(JobStatus.CANCELED);
            }
        }
    }

    @Test
    void aCompactJobCanBeADependencyAndItsIdStaysTaken(@Private RedisServer redis) {
        try (Jrq jrq = Jrq.connect(redis.url())) {
            Queue q = jrq.queue("deps");
            Job<Integer> first =
                    q.with(EnqueueOptions.builder().jobId("first-job").build()).enqueue(Jobs::square, 5);
            assertThat(redis.execute("HEXISTS", KEYS.queued("deps"), "first-job"))
                    .isEqualTo("1");
            assertThatThrownBy(() -> q.with(
                                    EnqueueOptions.builder().jobId("first-job").build())
                            .enqueue(Jobs::square, 6))
                    .isInstanceOf(JobExistsException.class);

            Job<Integer> then =
                    q.with(EnqueueOptions.builder().dependsOn(first).build()).enqueue(Jobs::square, 6);
            // Registering the dependent gave the dependency a hash to carry the flag.
            assertThat(redis.execute("HGET", KEYS.job("deps", first.id()), "dependents"))
                    .isEqualTo("1");
            assertThat(first.status()).isEqualTo(JobStatus.QUEUED);
            assertThat(then.status()).isEqualTo(JobStatus.DEFERRED);
            try (Worker w = jrq.worker("deps")
                    .allowPackages("io.jrq.testjobs")
                    .handleSignals(false)
                    .start()) {
                assertThat(then.await(Duration.ofSeconds(10))).isEqualTo(36);
                assertThat(first.await(Duration.ofSeconds(1))).isEqualTo(25);
            }
        }
    }

    /**
     * An id pushed twice (a producer's command re-sent after a reconnect, say) must not lease the
     * job twice, not even when both copies are popped by one fetch.
     */
    @Test
    void anIdOnTheReadyListTwiceRunsOnce(@Private RedisServer redis) {
        String key = "twice-" + java.util.UUID.randomUUID();
        try (Jrq jrq = Jrq.connect(redis.url())) {
            Queue q = jrq.queue("twice");
            Job<Void> job = q.enqueue(Jobs::touch, key);
            redis.execute("LPUSH", KEYS.ready("twice"), job.id());
            assertThat(redis.execute("LLEN", KEYS.ready("twice"))).isEqualTo("2");
            try (Worker w = jrq.worker("twice")
                    .allowPackages("io.jrq.testjobs")
                    .concurrency(4)
                    .handleSignals(false)
                    .start()) {
                job.await(Duration.ofSeconds(10));
                Job<Void> after = q.enqueue(Jobs::touch, key + "-after");
                after.await(Duration.ofSeconds(10));
            }
            assertThat(Jobs.RUNS.get(key).get())
                    .as("runs of the job pushed twice")
                    .isEqualTo(1);
            assertThat(job.info().attempts()).isEqualTo(1);
        }
    }

    @Test
    void aBrokenQueuedRecordEndsFailedWithTheReason(@Private RedisServer redis) {
        try (Jrq jrq = Jrq.connect(redis.url())) {
            Queue q = jrq.queue("broken");
            redis.execute("HSET", KEYS.queued("broken"), "bad-1", "no time here");
            redis.execute("LPUSH", KEYS.ready("broken"), "bad-1");
            assertThatThrownBy(() -> q.job("bad-1"))
                    .isInstanceOf(io.jrq.CorruptJobException.class)
                    .hasMessageContaining("<enqueued_at>:<payload>");
            Job<Integer> good = q.enqueue(Jobs::square, 4);
            try (Worker w = jrq.worker("broken")
                    .allowPackages("io.jrq.testjobs")
                    .handleSignals(false)
                    .start()) {
                assertThat(good.await(Duration.ofSeconds(10))).isEqualTo(16);
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> "FAILED".equals(redis.execute("HGET", KEYS.job("broken", "bad-1"), "status")));
            }
            assertThat(redis.execute("HGET", KEYS.job("broken", "bad-1"), "raw"))
                    .isEqualTo("no time here");
            assertThat(redis.execute("HGET", KEYS.job("broken", "bad-1"), "error"))
                    .contains("CorruptJobException", "bad-1");
            assertThat(redis.execute("HLEN", KEYS.queued("broken"))).isEqualTo("0");
        }
    }

    /**
     * Memory per queued plain job, measured as Redis reports it: the point of the compact form. The
     * bound is the benchmark target (docs/BENCHMARKS.md); a job hash per queued job costs about 460 B.
     */
    @Test
    void aQueuedPlainJobCostsUnder250Bytes(@Private RedisServer redis) {
        int n = 20_000;
        try (Jrq jrq = Jrq.connect(redis.url())) {
            Queue q = jrq.queue("memory");
            q.enqueue(Jobs::square, 0);
            long before = usedMemory(redis);
            for (int from = 0; from < n; from += 1000) {
                q.enqueueAll(
                        Jobs::square, IntStream.range(from, from + 1000).boxed().toList());
            }
            long perJob = (usedMemory(redis) - before) / n;
            System.out.printf("QueuedFormIT: %d queued plain jobs, %d B each%n", n, perJob);
            assertThat(perJob).isLessThan(250);
        }
    }

    private static long usedMemory(RedisServer redis) {
        for (String line : redis.execute("INFO", "memory").split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).trim());
            }
        }
        throw new AssertionError("no used_memory in INFO memory");
    }

    @Test
    void aRunningJobHoldsItsPayloadApartAndStillReadsWhole(@Private RedisServer redis) {
        try (Jrq jrq = Jrq.connect(redis.url())) {
            Queue q = jrq.queue("held");
            Job<String> job = q.enqueue(Gates::hold, "held-1");
            String payload =
                    redis.execute("HGET", KEYS.queued("held"), job.id()).substring(14);
            String key = KEYS.job("held", job.id());
            try (Worker w = jrq.worker("held")
                    .allowPackages("io.jrq.testjobs")
                    .handleSignals(false)
                    .start()) {
                await().atMost(Duration.ofSeconds(10)).until(() -> job.status() == JobStatus.STARTED);
                assertThat(redis.execute("HEXISTS", key, "payload")).isEqualTo("0");
                assertThat(redis.execute("HGET", KEYS.payloads("held"), job.id()))
                        .isEqualTo(payload);
                assertThat(redis.execute("OBJECT", "ENCODING", key))
                        .as("a hash of short values stays compact")
                        .isIn("listpack", "ziplist");

                JobInfo info = job.info();
                assertThat(info.function()).isEqualTo("io.jrq.testjobs.Gates::hold");
                assertThat(info.arguments()).isEqualTo("[\"held-1\"]");
                assertThat(info.attempts()).isEqualTo(1);
                assertThat(jrq.admin().jobs("held", JobStatus.STARTED, 0, 10))
                        .extracting(JobInfo::arguments)
                        .containsExactly("[\"held-1\"]");

                Gates.open("held-1");
                assertThat(job.await(Duration.ofSeconds(10))).isEqualTo("held-1");
            }
            assertThat(redis.execute("EXISTS", KEYS.payloads("held")))
                    .as("nothing left behind")
                    .isEqualTo("0");
            assertThat(redis.execute("HGET", key, "fn")).isEqualTo("io.jrq.testjobs.Gates::hold");
            assertThat(redis.execute("OBJECT", "ENCODING", key)).isIn("listpack", "ziplist");
            assertThat(Long.parseLong(redis.execute("MEMORY", "USAGE", key)))
                    .as("bytes of the finished job's hash")
                    .isLessThan(400);
        }
    }

    @Test
    void everyOtherEndOfTheLeasePutsThePayloadBack(@Private RedisServer redis) {
        try (Jrq jrq = Jrq.connect(redis.url())) {
            Queue q = jrq.queue("back");
            Job<String> retried = q.with(EnqueueOptions.builder()
                            .retry(RetryPolicy.fixed(2, Duration.ZERO))
                            .build())
                    .enqueue(Jobs::fail, "twice");
            Job<String> stopped = q.enqueue(Gates::hold, "back-stop");
            Job<Integer> described = q.with(EnqueueOptions.builder()
                            .description("kept after it finished")
                            .build())
                    .enqueue(Jobs::square, 5);
            String stoppedPayload =
                    redis.execute("HGET", KEYS.queued("back"), stopped.id()).substring(14);
            try (Worker w = jrq.worker("back")
                    .allowPackages("io.jrq.testjobs")
                    .handleSignals(false)
                    .start()) {
                await().atMost(Duration.ofSeconds(10)).until(() -> stopped.status() == JobStatus.STARTED);
                assertThat(stopped.cancel()).as("stopping").isEqualTo(JobStatus.STARTED);
                await().atMost(Duration.ofSeconds(10)).until(() -> stopped.status() == JobStatus.STOPPED);
                await().atMost(Duration.ofSeconds(10)).until(() -> retried.status() == JobStatus.FAILED);
                assertThat(described.await(Duration.ofSeconds(10))).isEqualTo(25);
            }
            JobInfo failed = retried.info();
            assertThat(failed.attempts()).as("the retry ran with its payload").isEqualTo(2);
            assertThat(failed.attemptErrors()).hasSize(2);
            assertThat(failed.error().orElseThrow().type()).isNotEqualTo("io.jrq.CorruptJobException");
            assertThat(failed.arguments()).isEqualTo("[\"twice\"]");
            assertThat(redis.execute("HGET", KEYS.job("back", stopped.id()), "payload"))
                    .isEqualTo(stoppedPayload);
            assertThat(described.info().description()).isEqualTo("kept after it finished");
            assertThat(redis.execute("HEXISTS", KEYS.job("back", described.id()), "payload"))
                    .isEqualTo("1");
            assertThat(redis.execute("EXISTS", KEYS.payloads("back"))).isEqualTo("0");
        } finally {
            Gates.open("back-stop");
        }
    }

    @Test
    void aPayloadsHashOfAnotherTypeLeavesThePayloadsInTheJobHashes(@Private RedisServer redis) {
        redis.execute("SET", KEYS.payloads("odd"), "not a hash");
        try (Jrq jrq = Jrq.connect(redis.url())) {
            Queue q = jrq.queue("odd");
            List<Job<Integer>> jobs =
                    q.enqueueAll(Jobs::square, IntStream.range(0, 20).boxed().toList());
            Job<String> held = q.enqueue(Gates::hold, "odd-1");
            try (Worker w = jrq.worker("odd")
                    .allowPackages("io.jrq.testjobs")
                    .handleSignals(false)
                    .start()) {
                for (int i = 0; i < jobs.size(); i++) {
                    assertThat(jobs.get(i).await(Duration.ofSeconds(10))).isEqualTo(i * i);
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> held.status() == JobStatus.STARTED);
                assertThat(redis.execute("HEXISTS", KEYS.job("odd", held.id()), "payload"))
                        .isEqualTo("1");
                assertThat(held.info().arguments()).isEqualTo("[\"odd-1\"]");
                Gates.open("odd-1");
                assertThat(held.await(Duration.ofSeconds(10))).isEqualTo("odd-1");
            }
            assertThat(redis.execute("GET", KEYS.payloads("odd"))).isEqualTo("not a hash");
        }
    }
}
