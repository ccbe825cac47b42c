package io.jrq.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrq.Job;
import io.jrq.JobError;
import io.jrq.JobFailedException;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.Queue;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A job that allocates until the heap (-Xmx64m) is exhausted, among 200 ordinary jobs.
 *
 * <p>With {@code -XX:+ExitOnOutOfMemoryError} (what {@code jrq worker} runs with) each worker that
 * runs it exits, a supervisor starts a new one, and the job fails with WorkerLostException after
 * maxRecoveries. Without the flag the OutOfMemoryError reaches jrq in the job's own thread: the
 * job fails at once with it, is not retried, and the same worker process goes on with the others.
 */
@ExtendWith(RedisExtension.class)
class OomPoisonIT {
    private static final int MAX_RECOVERIES = 2;
    private static final int OTHERS = 200;
    private static final List<String> SMALL_HEAP = List.of("-Xmx64m");
    private static final List<String> EXIT_ON_OOM = List.of("-Xmx64m", "-XX:+ExitOnOutOfMemoryError");

    @RegisterExtension
    final WorkerProcesses fleet = new WorkerProcesses();

    @Test
    void withExitOnOutOfMemoryErrorTheWorkerDiesAndTheJobFailsAfterMaxRecoveries(RedisServer redis) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String queue = "oom-exit-" + suffix;
        // One job at a time per worker, so that a dying worker takes down nothing but the poison job.
        WorkerProcess.Spec spec = new WorkerProcess.Spec(redis.url(), queue)
                .lease(1000)
                .concurrency(1)
                .reap(200)
                .maxRecoveries(MAX_RECOVERIES);
        // Closed before the fleet kills its processes, so that it cannot start one after that.
        try (Respawner workers = new Respawner(fleet, "oom-" + suffix, 2, spec, EXIT_ON_OOM);
                Jrq jrq = Jrq.connect(redis.url())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> workers.ready() == 2);
            Run run = run(jrq.queue(queue));
            Job<String> poison = run.poison();
            JobError error = run.error();
            assertThat(error.type()).isEqualTo("io.jrq.WorkerLostException");
            assertThat(poison.attempts()).isEqualTo(MAX_RECOVERIES + 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> workers.dead().size() >= MAX_RECOVERIES + 1);
            List<WorkerProcess> deaths = workers.dead();

            // ExitOnOutOfMemoryError exits with code 3.
            assertThat(deaths).hasSize(MAX_RECOVERIES + 1).allSatisfy(w -> {
                assertThat(w.exitValue()).isEqualTo(3);
                assertThat(w.outputText()).contains("Terminating due to java.lang.OutOfMemoryError");
            });
            RunLog runs = fleet.runs();
            assertThat(runs.of(poison.id())).hasSize(MAX_RECOVERIES + 1);
            assertOthersRanOnce(run.others(), runs);
            System.out.printf(
                    "OomPoisonIT (-XX:+ExitOnOutOfMemoryError): %d other jobs each finished once; the OOM job took down"
                            + " %d worker JVMs (exit code 3) and failed after %d ms with %s after %d attempts%n",
                    OTHERS, deaths.size(), run.failedAfterMs(), error.type(), poison.attempts());
        }
    }

    @Test
    void withoutTheFlagTheJobFailsWithTheOutOfMemoryErrorAndTheWorkerGoesOn(RedisServer redis) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String queue = "oom-keep-" + suffix;
        WorkerProcess.Spec spec = new WorkerProcess.Spec(redis.url(), queue)
                .lease(1000)
                .concurrency(1)
                .reap(200)
                .maxRecoveries(MAX_RECOVERIES);
        WorkerProcess worker =
                fleet.start("w-" + suffix, spec, SMALL_HEAP, Map.of()).awaitReady(Duration.ofSeconds(30));
        try (Jrq jrq = Jrq.connect(redis.url())) {
            Queue q = jrq.queue(queue);
            Run run = run(q);
            Job<String> poison = run.poison();
            JobError error = run.error();
            assertThat(error.type()).isEqualTo("java.lang.OutOfMemoryError");
            assertThat(error.message()).contains("Java heap space");
            assertThat(poison.status()).isEqualTo(JobStatus.FAILED);
            assertThat(poison.attempts()).as("attempts of the OOM job").isEqualTo(1);

            RunLog runs = fleet.runs();
            assertThat(runs.of(poison.id())).hasSize(1);
            assertOthersRanOnce(run.others(), runs);
            assertThat(worker.isAlive()).isTrue();
            assertThat(fleet.all()).hasSize(1);
            Job<String> after = q.enqueue(FaultJobs::work, "after", 1L);
            assertThat(after.await(Duration.ofSeconds(20))).isEqualTo("after@" + worker.pid());
            System.out.printf(
                    "OomPoisonIT (no flag): the OOM job failed after %d ms with %s (%d attempt), not retried;"
                            + " %d other jobs each finished once on the same worker process%n",
                    run.failedAfterMs(), error.type(), poison.attempts(), OTHERS);
        }
    }

    private static void assertOthersRanOnce(List<Job<String>> others, RunLog runs) {
        Map<String, List<RunLog.Run>> byJob = runs.byJob();
        for (Job<String> job : others) {
            assertThat(job.status()).as("status of %s", job.id()).isEqualTo(JobStatus.FINISHED);
            assertThat(job.attempts()).as("attempts of %s", job.id()).isEqualTo(1);
            assertThat(byJob.get(job.id())).as("runs of %s", job.id()).hasSize(1);
        }
    }

    /**
     * The OOM job among the others, once it failed and every other job ended.
     *
     * @param poison the OOM job
     * @param others the {@link #OTHERS} brief jobs
     * @param failedAfterMs from the enqueue to the OOM job's failure
     * @param error the OOM job's error
     */
    private record Run(Job<String> poison, List<Job<String>> others, long failedAfterMs, JobError error) {}

    /**
     * Enqueues the OOM job after 40 brief jobs and before the rest of {@link #OTHERS}, waits until it
     * failed (60 s at most), then until every other job ended (60 s more at most).
     */
    private static Run run(Queue q) throws Exception {
        List<Job<String>> others = new ArrayList<>(q.enqueueAll(
                FaultJobs::brief, IntStream.range(0, 40).mapToObj(i -> "a" + i).toList()));
        Job<String> poison = q.enqueue(FaultJobs::exhaustHeap, "oom");
        others.addAll(q.enqueueAll(
                FaultJobs::brief,
                IntStream.range(0, OTHERS - 40).mapToObj(i -> "b" + i).toList()));
        long start = System.currentTimeMillis();
        assertThatThrownBy(() -> poison.await(Duration.ofSeconds(60))).isInstanceOf(JobFailedException.class);
        long failedAfter = System.currentTimeMillis() - start;
        JobError error = poison.error().orElseThrow();
        CompletableFuture.allOf(others.stream().map(Job::future).toArray(CompletableFuture[]::new))
                .get(60, TimeUnit.SECONDS);
        return new Run(poison, others, failedAfter, error);
    }
}
