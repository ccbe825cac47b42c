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
import io.jrq.internal.Keys;
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
 * A poison job that kills every worker process that runs it fails with
 * {@code io.jrq.WorkerLostException} after a bounded number of recoveries, while a supervisor
 * (as systemd or Kubernetes would) restarts the dead workers and the other jobs keep flowing.
 */
@ExtendWith(RedisExtension.class)
class PoisonJobIT {
    private static final int MAX_RECOVERIES = 2;
    private static final int OTHERS = 200;
    private static final int WORKERS = 2;

    @RegisterExtension
    final WorkerProcesses fleet = new WorkerProcesses();

    @Test
    void aJobThatKillsItsWorkersFailsAfterMaxRecoveriesWhileOthersFlow(RedisServer redis) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String queue = "poison-" + suffix;
        Keys keys = new Keys("jrq");
        // One job at a time per worker, so that a dying worker takes down nothing but the poison job.
        WorkerProcess.Spec spec = new WorkerProcess.Spec(redis.url(), queue)
                .lease(1000)
                .concurrency(1)
                .reap(200)
                .maxRecoveries(MAX_RECOVERIES);
        // Closed before the fleet kills its processes, so that it cannot start one after that.
        try (Respawner workers = new Respawner(fleet, "poison-" + suffix, WORKERS, spec);
                Jrq jrq = Jrq.connect(redis.url())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> workers.ready() == WORKERS);
            Queue q = jrq.queue(queue);
            List<Job<String>> before = q.enqueueAll(
                    FaultJobs::brief,
                    IntStream.range(0, 40).mapToObj(i -> "a" + i).toList());
            Job<String> poison = q.enqueue(FaultJobs::halt, "poison");
            List<Job<String>> after = q.enqueueAll(
                    FaultJobs::brief,
                    IntStream.range(0, OTHERS - 40).mapToObj(i -> "b" + i).toList());
            List<Job<String>> others = new ArrayList<>(before);
            others.addAll(after);
            long start = System.currentTimeMillis();

            assertThatThrownBy(() -> poison.await(Duration.ofSeconds(40))).isInstanceOf(JobFailedException.class);
            long poisonFailedAfter = System.currentTimeMillis() - start;
            JobError error = poison.error().orElseThrow();
            assertThat(error.type()).isEqualTo("io.jrq.WorkerLostException");
            assertThat(error.message())
                    .contains("lost its worker " + (MAX_RECOVERIES + 1) + " times")
                    .contains("giving up after " + MAX_RECOVERIES + " recoveries");
            assertThat(poison.status()).isEqualTo(JobStatus.FAILED);
            assertThat(poison.attempts()).isEqualTo(MAX_RECOVERIES + 1);
            assertThat(redis.execute("ZSCORE", keys.failed(queue), poison.id())).isNotNull();

            CompletableFuture.allOf(others.stream().map(Job::future).toArray(CompletableFuture[]::new))
                    .get(40, TimeUnit.SECONDS);
            long allDoneAfter = System.currentTimeMillis() - start;
            await().atMost(Duration.ofSeconds(5)).until(() -> workers.dead().size() >= MAX_RECOVERIES + 1);
            List<WorkerProcess> deaths = workers.dead();

            assertThat(deaths)
                    .as("worker processes the poison job killed")
                    .hasSize(MAX_RECOVERIES + 1)
                    .allSatisfy(w -> assertThat(w.exitValue()).isEqualTo(1));
            RunLog runs = fleet.runs();
            assertThat(runs.of(poison.id()))
                    .as("runs of the poison job")
                    .hasSize(MAX_RECOVERIES + 1)
                    .extracting(RunLog.Run::attempt)
                    .containsExactlyInAnyOrder(
                            IntStream.rangeClosed(1, MAX_RECOVERIES + 1).boxed().toArray(Integer[]::new));
            // Each death is the process that ran the poison job.
            assertThat(runs.of(poison.id()))
                    .extracting(RunLog.Run::pid)
                    .containsExactlyInAnyOrderElementsOf(
                            deaths.stream().map(WorkerProcess::pid).toList());
            Map<String, List<RunLog.Run>> byJob = runs.byJob();
            for (Job<String> job : others) {
                assertThat(job.status()).as("status of %s", job.id()).isEqualTo(JobStatus.FINISHED);
                assertThat(job.attempts()).as("attempts of %s", job.id()).isEqualTo(1);
                assertThat(byJob.get(job.id())).as("runs of %s", job.id()).hasSize(1);
            }
            assertThat(runs.size()).isEqualTo(OTHERS + MAX_RECOVERIES + 1);
            assertThat(q.size()).isZero();

            System.out.printf(
                    "PoisonJobIT: %d other jobs all finished once (after %d ms); the poison job killed %d worker"
                            + " processes and failed after %d ms with %s; %d worker processes started in all%n",
                    OTHERS,
                    allDoneAfter,
                    deaths.size(),
                    poisonFailedAfter,
                    error.type(),
                    fleet.all().size());
        }
    }
}
