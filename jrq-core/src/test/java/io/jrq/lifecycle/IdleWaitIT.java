package io.jrq.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrq.Job;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.JrqOptions;
import io.jrq.Queue;
import io.jrq.Worker;
import io.jrq.internal.Keys;
import io.jrq.testjobs.Jobs;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An idle worker with one queue waits with its fetch already sent behind the {@code BLMOVE}: its
 * outcomes must not wait for that wait to end, and closing it must end the wait and leave nothing
 * in Redis that could still lease a job. A server of its own, so that its blocked clients are this
 * worker's.
 */
class IdleWaitIT {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static RedisServer redis;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    private static long blockedClients() {
        String info = redis.execute("INFO", "clients");
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("blocked_clients:")) {
                return Long.parseLong(
                        line.substring("blocked_clients:".length()).trim());
            }
        }
        throw new IllegalStateException("no blocked_clients in " + info);
    }

    @Test
    void jobsOneAtATimeEndWithoutWaitingForTheWait() {
        try (Jrq jrq = Jrq.connect(redis.url());
                Worker worker = jrq.worker("idle-acks")
                        .allowPackages("io.jrq.testjobs")
                        .handleSignals(false)
                        .start()) {
            Queue q = jrq.queue("idle-acks");
            await().atMost(WAIT).until(() -> blockedClients() == 1);
            // Each job is enqueued into an idle worker whose next wait (1 s) is already blocking when
            // the job ends: its outcome goes out at once, not when that wait returns.
            long t0 = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                Job<Integer> job = q.enqueue(Jobs::square, i);
                assertThat(job.await(WAIT)).isEqualTo(i * i);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println(
                    "IdleWaitIT: 10 jobs one at a time into an idle worker, enqueue to result: " + ms + " ms in all");
            // About 10 round trips each; waiting for the wait would cost up to 1 s per job.
            assertThat(ms).isLessThan(4000);
            assertThat(worker.isRunning()).isTrue();
        }
    }

    @Test
    void closingAnIdleWorkerEndsItsWaitAndLeasesNothingAfter() {
        try (Jrq jrq = Jrq.connect(redis.url())) {
            Queue q = jrq.queue("idle-close");
            Worker worker = jrq.worker("idle-close")
                    .allowPackages("io.jrq.testjobs")
                    .handleSignals(false)
                    .start();
            await().atMost(WAIT).until(() -> blockedClients() == 1);
            long t0 = System.nanoTime();
            worker.close();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(blockedClients()).isZero();
            Job<Integer> job = q.enqueue(Jobs::square, 7);
            // Longer than the wait: a fetch still queued behind it would have leased the job by now.
            sleep(1500);
            System.out.println("IdleWaitIT: idle worker closed in " + ms + " ms; job enqueued after: " + job.status());
            assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
            assertThat(redis.execute("ZCARD", new Keys("jrq").active("idle-close")))
                    .isEqualTo("0");
        }
    }

    /**
     * Redis stalls (1.5 s) under an idle worker with a short command timeout (400 ms): the fetch
     * sent behind its wait times out on the client while it is still in Redis, and the worker goes
     * through its failure path (the waiter's connection settles, the loop gives back what was leased
     * unread). Every job enqueued right after must then run at once, not after a lease (30 s) that
     * nobody reads. (The race the settling closes, a pair that reached Redis late and still blocks
     * after the give-back, needs a loaded machine to happen; this test checks the path around it.)
     */
    @Test
    void aFetchBehindTheWaitThatTimedOutLeasesNoJobThatNobodyRuns() {
        String queue = "idle-timeout";
        try (Jrq producer = Jrq.connect(redis.url());
                Jrq impatient = Jrq.connect(JrqOptions.builder()
                        .url(redis.url())
                        .commandTimeout(Duration.ofMillis(400))
                        .build());
                Worker worker = impatient
                        .worker(queue)
                        .allowPackages("io.jrq.testjobs")
                        .handleSignals(false)
                        .start()) {
            Queue q = producer.queue(queue);
            assertThat(q.enqueue(Jobs::square, 3).await(WAIT)).isEqualTo(9);
            await().atMost(WAIT).until(() -> blockedClients() == 1);
            redis.execute("DEBUG", "SLEEP", "1.5");
            List<Job<Integer>> jobs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                jobs.add(q.enqueue(Jobs::square, i));
                sleep(30);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < jobs.size(); i++) {
                assertThat(jobs.get(i).await(Duration.ofSeconds(10)))
                        .as("job %d of those enqueued right after Redis slept", i)
                        .isEqualTo(i * i);
            }
            System.out.println("IdleWaitIT: 20 jobs enqueued right after a 1.5 s DEBUG SLEEP all ended "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms after the last enqueue");
            assertThat(worker.isRunning()).isTrue();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
