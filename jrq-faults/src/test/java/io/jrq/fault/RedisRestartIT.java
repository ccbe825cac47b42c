package io.jrq.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrq.Job;
import io.jrq.JobInfo;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.Queue;
import io.jrq.Worker;
import io.jrq.internal.Keys;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Redis goes away under a busy worker and comes back with its data (append-only file, fsync on
 * every write) while jobs are in flight: the same worker and the same client carry on without being restarted, every job
 * finishes, and futures awaited across the outage complete.
 */
class RedisRestartIT {
    private static final int JOBS = 500;
    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final long PID = ProcessHandle.current().pid();

    @Test
    void carriesOnAfterRedisIsKilledAndRestarted() throws Exception {
        survive(RedisServer::kill, "kill -9");
    }

    @Test
    void carriesOnAfterRedisIsShutDownAndRestarted() throws Exception {
        survive(RedisServer::stop, "SHUTDOWN NOSAVE");
    }

    private void survive(Consumer<RedisServer> takeDown, String how) throws Exception {
        String queue = "restart-" + UUID.randomUUID().toString().substring(0, 8);
        Keys keys = new Keys("jrq");
        try (RedisServer server = RedisServer.builder()
                        .appendOnly(true)
                        .appendFsync("always")
                        .start();
                Jrq workerSide = Jrq.connect(server.url());
                Jrq client = Jrq.connect(server.url())) {
            Worker worker = workerSide
                    .worker(queue)
                    .allowPackages("io.jrq.fault")
                    .concurrency(4)
                    .leaseDuration(LEASE)
                    .reapInterval(Duration.ofMillis(500))
                    .shutdownGrace(Duration.ofSeconds(2))
                    .handleSignals(false)
                    .start();
            try {
                Queue q = client.queue(queue);
                List<Job<String>> jobs = q.enqueueAll(
                        FaultJobs::brief,
                        IntStream.range(0, JOBS).mapToObj(i -> "r" + i).toList());
                List<CompletableFuture<String>> futures =
                        jobs.stream().map(Job::future).toList();
                // A job of a queue no worker serves yet: its result can only arrive after the outage.
                String late = queue + "-late";
                Job<String> lateJob = client.queue(late).enqueue(FaultJobs::work, "late", 1L);
                AtomicLong lateCompletedAt = new AtomicLong();
                CompletableFuture<String> lateFuture =
                        lateJob.future().whenComplete((r, e) -> lateCompletedAt.set(System.currentTimeMillis()));
                await().atMost(Duration.ofSeconds(10)).until(() -> subscribers(server, keys.events(late)) == 1);
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> futures.stream()
                                        .filter(CompletableFuture::isDone)
                                        .count()
                                >= 50);

                takeDown.accept(server);
                long downAt = System.currentTimeMillis();
                long doneBefore =
                        futures.stream().filter(CompletableFuture::isDone).count();
                assertThat(doneBefore).as("jobs done before Redis went down").isLessThan(JOBS);
                Thread.sleep(500);
                server.restart();
                long upAt = System.currentTimeMillis();

                CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                        .get(60, TimeUnit.SECONDS);
                long allDoneAfter = System.currentTimeMillis() - upAt;

                int recovered = 0;
                int ranTwice = 0;
                for (int i = 0; i < JOBS; i++) {
                    Job<String> job = jobs.get(i);
                    assertThat(futures.get(i).get()).isEqualTo("r" + i + "@" + PID);
                    JobInfo info = job.info();
                    assertThat(info.status()).as("status of %s", job.id()).isEqualTo(JobStatus.FINISHED);
                    assertThat(info.worker()).contains(worker.name());
                    AtomicInteger runs = FaultJobs.RUNS.get(job.id());
                    assertThat(runs).as("runs of %s", job.id()).isNotNull();
                    assertThat(runs.get()).as("runs of %s", job.id()).isBetween(1, 2);
                    if (info.attempts() > 1) {
                        recovered++;
                    }
                    if (runs.get() > 1) {
                        ranTwice++;
                    }
                }
                assertThat(ranTwice).as("jobs that ran twice").isLessThanOrEqualTo(recovered);

                // The client subscribed again by itself, and a result published now is pushed to it.
                await().atMost(Duration.ofSeconds(15)).until(() -> subscribers(server, keys.events(late)) == 1);
                Worker lateWorker = workerSide
                        .worker(late)
                        .allowPackages("io.jrq.fault")
                        .handleSignals(false)
                        .start();
                try {
                    assertThat(lateFuture.get(15, TimeUnit.SECONDS)).isEqualTo("late@" + PID);
                } finally {
                    lateWorker.close();
                }
                long pushedAfter = lateCompletedAt.get()
                        - lateJob.info().endedAt().orElseThrow().toEpochMilli();
                assertThat(pushedAfter)
                        .as("ms from the late job's end to its future's completion")
                        .isLessThan(1000);

                // The same worker, never restarted, takes new work; the same client gets its result.
                assertThat(worker.isRunning()).isTrue();
                Job<String> after = q.enqueue(FaultJobs::work, "after", 1L);
                assertThat(after.await(Duration.ofSeconds(15))).isEqualTo("after@" + PID);
                assertThat(after.info().worker()).contains(worker.name());
                assertThat(q.size()).isZero();
                assertThat(server.execute("ZCARD", keys.active(queue))).isEqualTo("0");

                System.out.printf(
                        "RedisRestartIT (%s): %d jobs, %d done before Redis went down for %d ms;"
                                + " all done %d ms after it was back; %d job(s) recovered after their lease, %d ran twice;"
                                + " a result awaited across the outage was pushed %d ms after the job ended%n",
                        how, JOBS, doneBefore, upAt - downAt, allDoneAfter, recovered, ranTwice, pushedAfter);
            } finally {
                worker.close();
            }
        }
    }

    private static int subscribers(RedisServer server, String channel) {
        String[] reply = server.execute("PUBSUB", "NUMSUB", channel).split("\n");
        return Integer.parseInt(reply[1]);
    }
}
