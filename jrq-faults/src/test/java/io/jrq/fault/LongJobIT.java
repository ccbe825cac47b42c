package io.jrq.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrq.Job;
import io.jrq.JobInfo;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.Queue;
import io.jrq.internal.Keys;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A healthy job that runs ten times its lease, on a worker busy with other jobs, while two workers
 * reap every 100 ms: the heartbeat keeps renewing its lease, so no reaper takes it, and it runs
 * exactly once (one attempt, no recovery).
 */
@ExtendWith(RedisExtension.class)
class LongJobIT {
    private static final long LEASE_MS = 1000;
    private static final long JOB_MS = 10 * LEASE_MS;
    private static final long REAP_MS = 100;
    private static final int OTHERS = 400;

    @RegisterExtension
    final WorkerProcesses fleet = new WorkerProcesses();

    @Test
    void aJobTenTimesItsLeaseRunsExactlyOnce(RedisServer redis) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String queue = "long-" + suffix;
        Keys keys = new Keys("jrq");
        WorkerProcess.Spec spec = new WorkerProcess.Spec(redis.url(), queue)
                .lease(LEASE_MS)
                .concurrency(4)
                .reap(REAP_MS);
        WorkerProcess a = fleet.start("a-" + suffix, spec);
        WorkerProcess b = fleet.start("b-" + suffix, spec);
        a.awaitReady(Duration.ofSeconds(60));
        b.awaitReady(Duration.ofSeconds(60));

        try (Jrq jrq = Jrq.connect(redis.url())) {
            Queue q = jrq.queue(queue);
            Job<String> longJob = q.enqueue(FaultJobs::work, "long", JOB_MS);
            await().atMost(Duration.ofSeconds(30)).until(() -> longJob.status() == JobStatus.STARTED);
            long start = System.currentTimeMillis();
            // Other jobs keep both workers busy for as long as the long job runs.
            List<Job<String>> others = new ArrayList<>();
            int batches = 20;
            for (int i = 0; i < batches; i++) {
                int from = i * OTHERS / batches;
                others.addAll(q.enqueueAll(
                        FaultJobs::varied,
                        IntStream.range(from, from + OTHERS / batches)
                                .mapToObj(n -> "o" + n)
                                .toList()));
                Thread.sleep(JOB_MS / batches);
            }
            String result = longJob.future().get(JOB_MS + 30_000, TimeUnit.MILLISECONDS);
            long ranMs = System.currentTimeMillis() - start;
            List<String> otherIds = others.stream().map(Job::id).toList();
            JobStates.awaitFinished(redis, keys, queue, otherIds, Duration.ofSeconds(60));

            JobInfo info = longJob.info();
            RunLog runs = fleet.runs();
            WorkerProcess holder = result.endsWith("@" + a.pid()) ? a : b;
            long othersOnHolder = runs.all().stream()
                    .filter(r -> r.pid() == holder.pid() && !r.jobId().equals(longJob.id()))
                    .count();
            Map<String, List<RunLog.Run>> byJob = runs.byJob();
            long othersRunTwice = otherIds.stream()
                    .filter(id -> byJob.getOrDefault(id, List.of()).size() != 1)
                    .count();
            System.out.printf(
                    "LongJobIT: lease %d ms, reap %d ms, job of %d ms ran %d time(s) (attempts %d, recoveries %s),"
                            + " finished after %d ms; its worker ran %d other jobs meanwhile; %d other jobs, %d not run exactly once%n",
                    LEASE_MS,
                    REAP_MS,
                    JOB_MS,
                    runs.of(longJob.id()).size(),
                    info.attempts(),
                    java.util.Objects.requireNonNullElse(
                            redis.execute("HGET", keys.job(queue, longJob.id()), "recoveries"), "0"),
                    ranMs,
                    othersOnHolder,
                    OTHERS,
                    othersRunTwice);

            assertThat(result).startsWith("long@");
            assertThat(info.status()).isEqualTo(JobStatus.FINISHED);
            assertThat(info.attempts()).as("attempts of the long job").isEqualTo(1);
            assertThat(runs.of(longJob.id())).as("runs of the long job").hasSize(1);
            assertThat(redis.execute("HGET", keys.job(queue, longJob.id()), "recoveries"))
                    .as("recoveries")
                    .isNull();
            assertThat(othersOnHolder)
                    .as("other jobs run by the long job's worker while it held it")
                    .isPositive();
            assertThat(othersRunTwice).as("other jobs not run exactly once").isZero();
            for (WorkerProcess w : List.of(a, b)) {
                assertThat(w.outputText())
                        .as("output of %s", w)
                        .doesNotContain("lost the lease")
                        .doesNotContain("not recorded");
            }
        }
    }
}
