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
import java.util.concurrent.CopyOnWriteArrayList;
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
        WorkerProcess.Spec spec = new WorkerProcess.Spec(redis.url(), queue).lease(1000).concurrency(1).reap(200)
                .maxRecoveries(MAX_RECOVERIES);
        List<WorkerProcess> slots = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            slots.add(fleet.start("w" + i + "-gen0-" + suffix, spec, EXIT_ON_OOM, Map.of()));
        }
        for (WorkerProcess w : slots) {
            w.awaitReady(Duration.ofSeconds(30));
        }
        List<WorkerProcess> deaths = new CopyOnWriteArrayList<>();
        Thread supervisor = new Thread(() -> supervise(slots, deaths, spec, suffix), "supervisor");
        supervisor.setDaemon(true);
        supervisor.start();
        try (Jrq jrq = Jrq.connect(redis.url())) {
            Queue q = jrq.queue(queue);
            List<Job<String>> others = new ArrayList<>();
            Job<String> poison = enqueueAmongOthers(q, others);
            long start = System.currentTimeMillis();

            assertThatThrownBy(() -> poison.await(Duration.ofSeconds(60))).isInstanceOf(JobFailedException.class);
            long failedAfter = System.currentTimeMillis() - start;
            JobError error = poison.error().orElseThrow();
            assertThat(error.type()).isEqualTo("io.jrq.WorkerLostException");
            assertThat(poison.attempts()).isEqualTo(MAX_RECOVERIES + 1);
            CompletableFuture.allOf(others.stream().map(Job::future).toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(5)).until(() -> deaths.size() >= MAX_RECOVERIES + 1);

            // ExitOnOutOfMemoryError exits with code 3.
            assertThat(deaths).hasSize(MAX_RECOVERIES + 1).allSatisfy(w -> {
                assertThat(w.exitValue()).isEqualTo(3);
                assertThat(w.outputText()).contains("Terminating due to java.lang.OutOfMemoryError");
            });
            RunLog runs = fleet.runs();
            assertThat(runs.of(poison.id())).hasSize(MAX_RECOVERIES + 1);
            assertOthersRanOnce(others, runs);
            System.out.printf("OomPoisonIT (-XX:+ExitOnOutOfMemoryError): %d other jobs each finished once; the OOM job took down"
                            + " %d worker JVMs (exit code 3) and failed after %d ms with %s after %d attempts%n",
                    OTHERS, deaths.size(), failedAfter, error.type(), poison.attempts());
        } finally {
            supervisor.interrupt();
            supervisor.join(10_000);
        }
    }

    @Test
    void withoutTheFlagTheJobFailsWithTheOutOfMemoryErrorAndTheWorkerGoesOn(RedisServer redis) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String queue = "oom-keep-" + suffix;
        WorkerProcess.Spec spec = new WorkerProcess.Spec(redis.url(), queue).lease(1000).concurrency(1).reap(200)
                .maxRecoveries(MAX_RECOVERIES);
        WorkerProcess worker = fleet.start("w-" + suffix, spec, SMALL_HEAP, Map.of()).awaitReady(Duration.ofSeconds(30));
        try (Jrq jrq = Jrq.connect(redis.url())) {
            Queue q = jrq.queue(queue);
            List<Job<String>> others = new ArrayList<>();
            Job<String> poison = enqueueAmongOthers(q, others);
            long start = System.currentTimeMillis();

            assertThatThrownBy(() -> poison.await(Duration.ofSeconds(60))).isInstanceOf(JobFailedException.class);
            long failedAfter = System.currentTimeMillis() - start;
            JobError error = poison.error().orElseThrow();
            assertThat(error.type()).isEqualTo("java.lang.OutOfMemoryError");
            assertThat(error.message()).contains("Java heap space");
            assertThat(poison.status()).isEqualTo(JobStatus.FAILED);
            assertThat(poison.attempts()).as("attempts of the OOM job").isEqualTo(1);
            CompletableFuture.allOf(others.stream().map(Job::future).toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

            RunLog runs = fleet.runs();
            assertThat(runs.of(poison.id())).hasSize(1);
            assertOthersRanOnce(others, runs);
            assertThat(worker.isAlive()).isTrue();
            assertThat(fleet.all()).hasSize(1);
            Job<String> after = q.enqueue(FaultJobs::work, "after", 1L);
            assertThat(after.await(Duration.ofSeconds(20))).isEqualTo("after@" + worker.pid());
            System.out.printf("OomPoisonIT (no flag): the OOM job failed after %d ms with %s (%d attempt), not retried;"
                            + " %d other jobs each finished once on the same worker process%n",
                    failedAfter, error.type(), poison.attempts(), OTHERS);
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

    /** Restarts every dead worker under a new name, the way a process supervisor would. */
    private void supervise(List<WorkerProcess> slots, List<WorkerProcess> deaths, WorkerProcess.Spec spec, String suffix) {
        int generation = 0;
        while (!Thread.currentThread().isInterrupted()) {
            for (int i = 0; i < slots.size(); i++) {
                WorkerProcess w = slots.get(i);
                if (!w.isAlive()) {
                    deaths.add(w);
                    slots.set(i, fleet.start("w" + i + "-gen" + (++generation) + "-" + suffix, spec, EXIT_ON_OOM, Map.of()));
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Enqueues the OOM job after 40 brief jobs and before the rest of {@link #OTHERS}, which go into {@code others}. */
    private static Job<String> enqueueAmongOthers(Queue q, List<Job<String>> others) {
        others.addAll(q.enqueueAll(FaultJobs::brief, IntStream.range(0, 40).mapToObj(i -> "a" + i).toList()));
        Job<String> poison = q.enqueue(FaultJobs::exhaustHeap, "oom");
        others.addAll(q.enqueueAll(FaultJobs::brief, IntStream.range(0, OTHERS - 40).mapToObj(i -> "b" + i).toList()));
        return poison;
    }
}
