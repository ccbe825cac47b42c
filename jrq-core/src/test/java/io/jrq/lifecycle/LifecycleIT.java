package io.jrq.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrq.AttemptError;
import io.jrq.EnqueueOptions;
import io.jrq.Job;
import io.jrq.JobFailedException;
import io.jrq.JobStatus;
import io.jrq.JobTimeoutException;
import io.jrq.Jrq;
import io.jrq.NonRetryableException;
import io.jrq.Progress;
import io.jrq.Queue;
import io.jrq.RetryPolicy;
import io.jrq.Uniqueness;
import io.jrq.Worker;
import io.jrq.testjobs.Callbacks;
import io.jrq.testjobs.Flaky;
import io.jrq.testjobs.Jobs;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Retries, timeouts, delays, cancellation, progress and uniqueness, with two independent clients as workers. */
@ExtendWith(RedisExtension.class)
class LifecycleIT {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final RedisServer redis;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Jrq jrq;
    private String name;
    private Queue q;

    LifecycleIT(RedisServer redis) {
        this.redis = redis;
    }

    @BeforeEach
    void setUp() {
        jrq = Jrq.connect(redis.url());
        name = "life-" + UUID.randomUUID().toString().substring(0, 8);
        q = jrq.queue(name);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        jrq.close();
    }

    /** Starts {@code n} workers, each on its own client, as separate processes would. */
    private void workers(int n, java.util.function.UnaryOperator<Worker.Builder> config) {
        for (int i = 0; i < n; i++) {
            Jrq client = Jrq.connect(redis.url());
            closeables.add(client);
            closeables.add(config.apply(
                            client.worker(name).allowPackages("io.jrq.testjobs").handleSignals(false))
                    .start());
        }
    }

    @Test
    void retriesWithBackoffAndKeepsEachAttemptsError() {
        workers(2, b -> b);
        String key = UUID.randomUUID().toString();
        Job<Integer> job = q.with(EnqueueOptions.builder()
                        .retry(RetryPolicy.intervals(Duration.ofMillis(300), Duration.ofMillis(600)))
                        .build())
                .enqueue(Flaky::failTimes, key, 2);
        assertThat(job.await(WAIT)).isEqualTo(3);
        assertThat(job.attempts()).isEqualTo(3);
        List<AttemptError> errors = job.info().attemptErrors();
        assertThat(errors).extracting(AttemptError::attempt).containsExactly(1, 2);
        assertThat(errors)
                .extracting(AttemptError::message)
                .containsExactly("failure 1 of " + key, "failure 2 of " + key);
        // The waits between attempts follow the intervals (measured inside the jobs, generous upper bound).
        long gap1 = Flaky.LAST_CALL.get(key + "#2") - Flaky.LAST_CALL.get(key + "#1");
        long gap2 = Flaky.LAST_CALL.get(key + "#3") - Flaky.LAST_CALL.get(key + "#2");
        assertThat(gap1).isBetween(280L, 2000L);
        assertThat(gap2).isBetween(580L, 2500L);
    }

    @Test
    void exhaustedRetriesEndFailedAndNonRetryableFailsAtOnce() {
        workers(1, b -> b.retry(RetryPolicy.fixed(3, Duration.ZERO)));
        String key = UUID.randomUUID().toString();
        Job<Integer> job = q.enqueue(Flaky::failTimes, key, 10);
        assertThatThrownBy(() -> job.await(WAIT))
                .isInstanceOf(JobFailedException.class)
                .hasMessageContaining("failure 3");
        assertThat(job.status()).isEqualTo(JobStatus.FAILED);
        assertThat(Flaky.CALLS.get(key)).hasValue(3);
        assertThat(job.info().attemptErrors()).hasSize(3);

        String perm = UUID.randomUUID().toString();
        Job<Integer> p = q.enqueue(Flaky::permanent, perm);
        assertThatThrownBy(() -> p.await(WAIT)).isInstanceOf(JobFailedException.class);
        assertThat(p.error().orElseThrow().type()).isEqualTo(NonRetryableException.class.getName());
        assertThat(Flaky.CALLS.get(perm)).hasValue(1);
    }

    @Test
    void exponentialBackoffGrowsAndIsCapped() {
        RetryPolicy p = RetryPolicy.exponential(10, Duration.ofMillis(100), Duration.ofSeconds(1), 0);
        assertThat(p.delayAfter(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(p.delayAfter(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(p.delayAfter(9)).isEqualTo(Duration.ofSeconds(1));
        RetryPolicy j = RetryPolicy.exponential(10, Duration.ofSeconds(1), Duration.ofSeconds(10), 0.5);
        for (int i = 0; i < 50; i++) {
            assertThat(j.delayAfter(2).toMillis()).isBetween(1000L, 2000L);
        }
        assertThatThrownBy(() -> RetryPolicy.fixed(0, Duration.ZERO)).hasMessageContaining("0");
    }

    @Test
    void aTimedOutJobIsInterruptedAndRecordedEvenIfItIgnoresTheInterrupt() {
        workers(1, b -> b.concurrency(2));
        Job<Long> polite = q.with(
                        EnqueueOptions.builder().timeout(Duration.ofMillis(300)).build())
                .enqueue(Jobs::sleep, 10_000L);
        String key = UUID.randomUUID().toString();
        Job<String> stubborn = q.with(
                        EnqueueOptions.builder().timeout(Duration.ofMillis(300)).build())
                .enqueue(Flaky::stubborn, key, 2500L);
        long start = System.nanoTime();
        for (Job<?> job : List.of(polite, stubborn)) {
            assertThatThrownBy(() -> job.await(WAIT)).isInstanceOf(JobFailedException.class);
            assertThat(job.error().orElseThrow().type()).isEqualTo(JobTimeoutException.class.getName());
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        // The stubborn job finishes its sleep later; its late completion must not overwrite the outcome.
        await().pollDelay(Duration.ofMillis(2600)).atMost(WAIT).until(() -> true);
        assertThat(stubborn.status()).isEqualTo(JobStatus.FAILED);
        assertThat(stubborn.result()).isEmpty();
    }

    @Test
    void delayedJobsWaitUntilDueAndRunOnce() {
        workers(3, b -> b);
        String key = UUID.randomUUID().toString();
        Instant before = Instant.now();
        Job<Void> job = q.in(Duration.ofMillis(1500)).enqueue(Jobs::touch, key);
        assertThat(job.status()).isEqualTo(JobStatus.SCHEDULED);
        assertThat(job.info().dueAt().orElseThrow()).isAfter(before.plusMillis(1000));
        Job<Void> at = q.at(Instant.now().plusMillis(800)).enqueue(Jobs::touch, key + "-at");
        await().pollDelay(Duration.ofMillis(500)).atMost(WAIT).until(() -> true);
        assertThat(job.status()).isEqualTo(JobStatus.SCHEDULED);
        job.await(WAIT);
        at.await(WAIT);
        assertThat(job.info().startedAt().orElseThrow())
                .isAfterOrEqualTo(job.info().dueAt().orElseThrow());
        assertThat(Jobs.RUNS.get(key)).hasValue(1);
        assertThat(Jobs.RUNS.get(key + "-at")).hasValue(1);
        Job<Object> handlerJob = q.enqueueIn(Duration.ofMillis(100), "no-handler");
        assertThat(handlerJob.status()).isEqualTo(JobStatus.SCHEDULED);
    }

    @Test
    void manyDelayedJobsAreEachPromotedExactlyOnceByManyWorkers() {
        workers(3, b -> b.concurrency(8));
        String key = UUID.randomUUID().toString();
        List<Job<Void>> jobs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            jobs.add(q.in(Duration.ofMillis(200 + i * 3)).enqueue(Jobs::touch, key + "-" + i));
        }
        jobs.forEach(j -> j.await(WAIT));
        for (int i = 0; i < 300; i++) {
            assertThat(Jobs.RUNS.get(key + "-" + i)).hasValue(1);
        }
    }

    @Test
    void cancelsQueuedAndScheduledJobs() {
        String key = UUID.randomUUID().toString();
        Job<Void> queued = q.enqueue(Jobs::touch, key);
        Job<Void> scheduled = q.in(Duration.ofMillis(300)).enqueue(Jobs::touch, key);
        assertThat(queued.cancel()).isEqualTo(JobStatus.CANCELED);
        assertThat(scheduled.cancel()).isEqualTo(JobStatus.CANCELED);
        assertThat(q.size()).isZero();
        workers(1, b -> b);
        Job<Integer> after = q.enqueue(Jobs::add, 1, 1);
        assertThat(after.await(WAIT)).isEqualTo(2);
        await().pollDelay(Duration.ofMillis(500)).atMost(WAIT).until(() -> true);
        assertThat(Jobs.RUNS.get(key)).isNull();
        assertThat(queued.status()).isEqualTo(JobStatus.CANCELED);
        assertThatThrownBy(() -> queued.await(WAIT))
                .isInstanceOf(JobFailedException.class)
                .hasMessageContaining("CANCELED");
        assertThat(after.cancel()).isEqualTo(JobStatus.FINISHED);
    }

    @Test
    void aRunningJobStoppedFromAnotherClientEndsStoppedWithinASecond() {
        workers(1, b -> b);
        Job<Integer> job = q.enqueue(Flaky::steps, 1000, 20L);
        await().atMost(WAIT).until(() -> job.status() == JobStatus.STARTED);
        try (Jrq other = Jrq.connect(redis.url())) {
            long start = System.nanoTime();
            assertThat(other.queue(name).job(job.id()).orElseThrow().cancel()).isEqualTo(JobStatus.STARTED);
            await().atMost(Duration.ofSeconds(1)).until(() -> job.status() == JobStatus.STOPPED);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        }
        assertThatThrownBy(() -> job.await(WAIT)).isInstanceOf(JobFailedException.class);
    }

    @Test
    void progressIsStoredAndPushed() {
        workers(1, b -> b);
        List<Progress> seen = new CopyOnWriteArrayList<>();
        Job<Integer> job = q.enqueue(Flaky::steps, 5, 100L);
        job.onProgress(seen::add);
        assertThat(job.await(WAIT)).isEqualTo(5);
        assertThat(job.progress()).contains(new Progress(100, "step 5"));
        assertThat(seen).isNotEmpty();
        assertThat(seen).extracting(Progress::percent).isSorted().contains(100);
    }

    @Test
    void aDuplicateUniqueJobReturnsTheExistingOne() {
        EnqueueOptions unique = EnqueueOptions.builder()
                .unique("report-7", Uniqueness.WHILE_ACTIVE)
                .build();
        Job<Long> first = q.with(unique).enqueue(Jobs::sleep, 500L);
        Job<Long> second = q.with(unique).enqueue(Jobs::sleep, 500L);
        assertThat(second.id()).isEqualTo(first.id());
        assertThat(q.size()).isEqualTo(1);
        workers(1, b -> b);
        await().atMost(WAIT).until(() -> first.status() == JobStatus.STARTED);
        assertThat(q.with(unique).enqueue(Jobs::sleep, 500L).id()).isEqualTo(first.id());
        first.await(WAIT);
        Job<Long> third = q.with(unique).enqueue(Jobs::sleep, 1L);
        assertThat(third.id()).isNotEqualTo(first.id());

        EnqueueOptions whileQueued =
                EnqueueOptions.builder().unique("sync", Uniqueness.WHILE_QUEUED).build();
        Job<Long> a = q.with(whileQueued).enqueue(Jobs::sleep, 400L);
        await().atMost(WAIT).until(() -> a.status() == JobStatus.STARTED);
        assertThat(q.with(whileQueued).enqueue(Jobs::sleep, 1L).id()).isNotEqualTo(a.id());

        EnqueueOptions ttl = EnqueueOptions.builder()
                .uniqueFor("daily", Duration.ofSeconds(30))
                .build();
        Job<Integer> d1 = q.with(ttl).enqueue(Jobs::add, 1, 1);
        d1.await(WAIT);
        assertThat(q.with(ttl).enqueue(Jobs::add, 1, 1).id()).isEqualTo(d1.id());
    }

    @Test
    void callbacksRunOnSuccessFailureAndStop() {
        workers(1, b -> b);
        EnqueueOptions cb = EnqueueOptions.builder()
                .onSuccess(Callbacks::done)
                .onFailure(Callbacks::failed)
                .onStop(Callbacks::stopped)
                .retry(RetryPolicy.fixed(2, Duration.ZERO))
                .build();
        Job<Integer> ok = q.with(cb).enqueue(Jobs::add, 2, 5);
        Job<String> bad = q.with(cb).enqueue(Jobs::fail, "nope");
        Job<Integer> stopped = q.with(cb).enqueue(Flaky::steps, 1000, 20L);
        ok.await(WAIT);
        assertThatThrownBy(() -> bad.await(WAIT)).isInstanceOf(JobFailedException.class);
        await().atMost(WAIT).until(() -> stopped.status() == JobStatus.STARTED);
        stopped.cancel();
        await().atMost(WAIT).until(() -> stopped.status() == JobStatus.STOPPED);
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(Callbacks.SEEN)
                        .contains(
                                "success " + ok.id() + " 7",
                                "failure " + bad.id() + " nope attempt 2",
                                "stopped " + stopped.id()));
        // Only the final failure calls back, not the retried attempt.
        assertThat(Callbacks.SEEN.stream().filter(s -> s.startsWith("failure " + bad.id())))
                .hasSize(1);
    }
}
