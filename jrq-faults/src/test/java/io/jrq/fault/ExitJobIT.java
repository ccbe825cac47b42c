package io.jrq.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrq.Job;
import io.jrq.JobError;
import io.jrq.JobFailedException;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.JvmExitException;
import io.jrq.Queue;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A job that calls {@code System.exit} while worker processes are restarted whenever they exit:
 * the job ends FAILED with a {@link JvmExitException} after its one run, the worker it ended exits
 * at once (the job does not hold up the shutdown's grace period), only that one worker dies, and
 * the other jobs, one of them running next to it, all finish.
 */
@ExtendWith(RedisExtension.class)
class ExitJobIT {
    @RegisterExtension
    final WorkerProcesses fleet = new WorkerProcesses();

    @Test
    void aJobThatCallsSystemExitFailsOnceAndEndsOneWorker(RedisServer redis) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String queue = "exit-" + suffix;
        WorkerProcess.Spec spec =
                new WorkerProcess.Spec(redis.url(), queue).lease(30_000).concurrency(2);
        try (Respawner workers = new Respawner(fleet, "exit-" + suffix, 2, spec);
                Jrq jrq = Jrq.connect(redis.url())) {
            await().atMost(Duration.ofSeconds(60)).until(() -> workers.ready() == 2);
            Queue q = jrq.queue(queue);
            // Running next to the exit: the dying worker lets it finish within its grace period.
            Job<String> neighbour = q.enqueue(FaultJobs::work, "neighbour", 1500L);
            Job<String> exit = q.enqueue(FaultJobs::exit, "exit");
            List<Job<String>> others = new ArrayList<>(q.enqueueAll(
                    FaultJobs::brief,
                    IntStream.range(0, 40).mapToObj(i -> "o" + i).toList()));
            others.add(neighbour);
            long start = System.currentTimeMillis();

            assertThatThrownBy(() -> exit.await(Duration.ofSeconds(30))).isInstanceOf(JobFailedException.class);
            long failedAfter = System.currentTimeMillis() - start;
            JobError error = exit.error().orElseThrow();
            assertThat(error.type()).isEqualTo(JvmExitException.class.getName());
            assertThat(error.message()).contains("System.exit");
            assertThat(error.stackTrace()).contains("FaultJobs.exit");
            assertThat(exit.status()).isEqualTo(JobStatus.FAILED);
            assertThat(exit.attempts()).isEqualTo(1);

            CompletableFuture.allOf(others.stream().map(Job::future).toArray(CompletableFuture[]::new))
                    .get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> workers.dead().size() >= 1);
            // Whatever else happens now, the job must not run again.
            Thread.sleep(2000);
            List<WorkerProcess> dead = workers.dead();
            assertThat(dead)
                    .as("workers the job ended")
                    .hasSize(1)
                    .allSatisfy(w -> assertThat(w.exitValue()).isEqualTo(7));
            assertThat(fleet.runs().byJob().get(exit.id()))
                    .as("runs of the exiting job")
                    .hasSize(1);
            assertThat(fleet.runs().duplicated()).as("jobs run twice").isEmpty();
            assertThat(dead.get(0).outputText())
                    .contains("called System.exit")
                    .doesNotContain("gave 1 unfinished job(s) back");
            System.out.printf(
                    "ExitJobIT: the System.exit job FAILED %d ms after enqueue, 1 worker died (exit 7), %d other jobs"
                            + " finished, none ran twice%n",
                    failedAfter, others.size());
        }
    }
}
