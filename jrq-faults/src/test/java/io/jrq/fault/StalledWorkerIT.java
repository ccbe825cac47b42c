package io.jrq.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
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
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fencing: a worker frozen with SIGSTOP past its lease (as in a long GC pause or a suspended VM)
 * loses its job to another worker, and when it wakes up and finishes its stale run, the outcome of
 * that run is not recorded over the one of the worker that took over. The stalled worker then goes
 * on working normally.
 */
@ExtendWith(RedisExtension.class)
class StalledWorkerIT {
    private static final long LEASE_MS = 1000;
    private static final long REAP_MS = 200;
    private static final long JOB_MS = 1500;

    @RegisterExtension
    final WorkerProcesses fleet = new WorkerProcesses();

    @Test
    void aStalledWorkersLateOutcomeDoesNotOverwriteTheTakeOver(RedisServer redis) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String queue = "stall-" + suffix;
        Keys keys = new Keys("jrq");
        WorkerProcess.Spec spec = new WorkerProcess.Spec(redis.url(), queue)
                .lease(LEASE_MS)
                .concurrency(1)
                .reap(REAP_MS);
        WorkerProcess stalled = fleet.start("stalled-" + suffix, spec).awaitReady(Duration.ofSeconds(30));

        try (Jrq jrq = Jrq.connect(redis.url())) {
            Queue q = jrq.queue(queue);
            Job<String> job = q.enqueue(FaultJobs::work, "x", JOB_MS);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !RunLog.read(List.of(stalled.runLog())).all().isEmpty());
            assertThat(job.info().worker()).contains(stalled.name());
            stalled.suspend();
            long frozenAt = System.currentTimeMillis();

            // The second worker starts only now, so the job can reach it only by being taken over.
            WorkerProcess rescuer = fleet.start("rescuer-" + suffix, spec).awaitReady(Duration.ofSeconds(30));
            String result = job.future().get(30, TimeUnit.SECONDS);
            long takenOverAfter = job.info().startedAt().orElseThrow().toEpochMilli() - frozenAt;
            assertThat(result).isEqualTo("x@" + rescuer.pid());

            // Wake the stalled worker: its run of the job ends at once (its sleep is long over) and
            // it tries to record that outcome with its old lease token.
            stalled.resume();
            long frozenFor = System.currentTimeMillis() - frozenAt;
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> stalled.outputText()
                            .lines()
                            .anyMatch(l -> l.contains(job.id()) && l.contains("lease") && l.contains("WARN")));
            Thread.sleep(500); // time for any late write from the stalled worker to land

            JobInfo info = job.info();
            assertThat(info.status()).isEqualTo(JobStatus.FINISHED);
            assertThat(info.worker()).contains(rescuer.name());
            assertThat(info.attempts()).isEqualTo(2);
            assertThat(job.result()).contains("x@" + rescuer.pid());
            assertThat(redis.execute("HGET", keys.job(queue, job.id()), "recoveries"))
                    .isEqualTo("1");
            assertThat(redis.execute("ZSCORE", keys.active(queue), job.id())).isNull();
            List<RunLog.Run> runs = fleet.runs().of(job.id());
            assertThat(runs)
                    .extracting(RunLog.Run::pid, RunLog.Run::attempt)
                    .containsExactlyInAnyOrder(tuple(stalled.pid(), 1), tuple(rescuer.pid(), 2));
            assertThat(takenOverAfter)
                    .as("ms from the freeze to the take-over")
                    .isGreaterThanOrEqualTo(LEASE_MS - LEASE_MS / 3 - 300);
            assertThat(stalled.isAlive()).isTrue();

            // With the rescuer gone, the stalled worker, still the same process, runs new jobs.
            rescuer.terminate();
            Job<String> next = q.enqueue(FaultJobs::work, "y", 10L);
            assertThat(next.await(Duration.ofSeconds(15))).isEqualTo("y@" + stalled.pid());
            assertThat(next.info().worker()).contains(stalled.name());

            String warning = stalled.outputText()
                    .lines()
                    .filter(l -> l.contains(job.id()) && l.contains("lease"))
                    .findFirst()
                    .orElseThrow();
            System.out.printf(
                    "StalledWorkerIT: frozen %d ms past a %d ms lease; taken over %d ms after the freeze; the stalled"
                            + " run's outcome was refused (%s); stalled worker then ran a new job%n",
                    frozenFor, LEASE_MS, takenOverAfter, warning.substring(warning.indexOf(" - ") + 3));
        }
    }
}
