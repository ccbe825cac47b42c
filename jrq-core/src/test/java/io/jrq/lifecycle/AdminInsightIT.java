package io.jrq.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrq.Admin;
import io.jrq.EnqueueOptions;
import io.jrq.Job;
import io.jrq.JobInfo;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.MinuteCount;
import io.jrq.Queue;
import io.jrq.RecurringJob;
import io.jrq.RetryPolicy;
import io.jrq.Worker;
import io.jrq.internal.Keys;
import io.jrq.testjobs.Jobs;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the admin API tells an operator beyond counts: ended jobs per minute, the oldest waiting
 * job's age, a job's arguments, result, dependencies and recurring origin, finding a job by id in
 * any queue, running a scheduled job now and triggering a recurring one.
 */
@ExtendWith(RedisExtension.class)
class AdminInsightIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final RedisServer redis;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Jrq jrq;
    private Admin admin;
    private String name;
    private Queue q;

    AdminInsightIT(RedisServer redis) {
        this.redis = redis;
    }

    @BeforeEach
    void setUp() {
        jrq = Jrq.connect(redis.url());
        admin = jrq.admin();
        name = "ins-" + UUID.randomUUID().toString().substring(0, 8);
        q = jrq.queue(name);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        jrq.close();
    }

    private void worker() {
        Jrq client = Jrq.connect(redis.url());
        closeables.add(client);
        Worker w = client.worker(name)
                .allowPackages("io.jrq.testjobs")
                .concurrency(2)
                .handleSignals(false)
                .start();
        closeables.add(w);
    }

    private long redisMinute() {
        return Long.parseLong(redis.execute("TIME").split("\\s+")[0]) / 60;
    }

    @Test
    void historyCountsTheJobsThatEndedInEachMinute() {
        Queue once = q.with(EnqueueOptions.builder().retry(RetryPolicy.none()).build());
        for (int i = 0; i < 7; i++) {
            q.enqueue(Jobs::add, i, 1);
        }
        for (int i = 0; i < 3; i++) {
            once.enqueue(Jobs::fail, "bad " + i);
        }
        long before = redisMinute();
        worker();
        await().atMost(WAIT)
                .until(() -> admin.queue(name).count(JobStatus.FINISHED) == 7
                        && admin.queue(name).count(JobStatus.FAILED) == 3);
        long after = redisMinute();

        List<MinuteCount> h = admin.history(name, 5);
        assertThat(h).hasSize(5);
        for (int i = 1; i < h.size(); i++) {
            assertThat(h.get(i).minute()).isEqualTo(h.get(i - 1).minute().plusSeconds(60));
        }
        assertThat(h.get(4).minute().getEpochSecond() / 60).isBetween(after, after + 1);
        // the endings fell in the minute the run started or the next one, whichever that was
        assertThat(h.stream().mapToLong(MinuteCount::finished).sum()).isEqualTo(7);
        assertThat(h.stream().mapToLong(MinuteCount::failed).sum()).isEqualTo(3);
        assertThat(h.stream()
                        .filter(m -> m.finished() + m.failed() > 0)
                        .allMatch(m -> m.minute().getEpochSecond() / 60 >= before
                                && m.minute().getEpochSecond() / 60 <= after))
                .isTrue();
        assertThat(admin.history(name, Admin.HISTORY_MINUTES)).hasSize(Admin.HISTORY_MINUTES);
        assertThat(admin.history("never-used-" + name, 3))
                .extracting(m -> m.finished() + m.failed())
                .containsOnly(0L);
    }

    @Test
    void aRingFieldOfAnEarlierLapCountsZero() {
        long now = redisMinute();
        String stats = new Keys("jrq").stats(name);
        // the current minute's slot, written 360 minutes ago, and a field that is no count at all
        redis.execute("HSET", stats, "m:" + (now % Admin.HISTORY_MINUTES), (now - Admin.HISTORY_MINUTES) + ":50:5");
        redis.execute("HSET", stats, "m:" + ((now - 1) % Admin.HISTORY_MINUTES), "garbage");
        redis.execute("HSET", stats, "m:" + ((now - 2) % Admin.HISTORY_MINUTES), (now - 2) + ":4:1");
        List<MinuteCount> h = admin.history(name, 3);
        if (redisMinute() != now) {
            return; // the minute turned during the test: the fields no longer mean what they were written for
        }
        assertThat(h).extracting(MinuteCount::finished).containsExactly(4L, 0L, 0L);
        assertThat(h).extracting(MinuteCount::failed).containsExactly(1L, 0L, 0L);
    }

    @Test
    void historyRefusesAWindowOutsideTheRing() {
        assertThatThrownBy(() -> admin.history(name, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("between 1 and 360");
        assertThatThrownBy(() -> admin.history(name, 361))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 361");
    }

    @Test
    void theOldestQueuedJobsEnqueueTimeComesFromEitherForm() throws InterruptedException {
        assertThat(admin.queue(name).oldestQueuedAt()).isEmpty();
        Instant t0 = Instant.now();
        Job<Integer> compact = q.enqueue(Jobs::add, 1, 1);
        Thread.sleep(20);
        q.with(EnqueueOptions.builder().description("with a hash").build()).enqueue(Jobs::add, 2, 2);
        Optional<Instant> oldest = admin.queue(name).oldestQueuedAt();
        assertThat(oldest).isPresent();
        assertThat(oldest.get())
                .isEqualTo(
                        admin.job(name, compact.id()).orElseThrow().enqueuedAt().orElseThrow());
        assertThat(Duration.between(t0, oldest.get()).abs()).isLessThan(Duration.ofSeconds(5));

        // the next to run is now the job with its own hash
        admin.delete(name, List.of(compact.id()));
        JobInfo hashed = admin.jobs(name, JobStatus.QUEUED, 0, 10).get(0);
        assertThat(hashed.description()).isEqualTo("with a hash");
        assertThat(admin.queue(name).oldestQueuedAt()).isEqualTo(hashed.enqueuedAt());

        admin.empty(name);
        assertThat(admin.queue(name).oldestQueuedAt()).isEmpty();
    }

    @Test
    void aJobShowsItsArgumentsResultAndDependencies() {
        Job<Integer> first = q.with(
                        EnqueueOptions.builder().description("the answer").build())
                .enqueue(Jobs::add, 20, 22);
        Job<Integer> second =
                q.with(EnqueueOptions.builder().dependsOn(first).build()).enqueue(Jobs::square, 3);
        Job<Integer> third =
                q.with(EnqueueOptions.builder().dependsOn(first).build()).enqueue(Jobs::square, 4);

        JobInfo waiting = admin.job(name, second.id()).orElseThrow();
        assertThat(waiting.dependsOn()).containsExactly(name + "/" + first.id());
        assertThat(waiting.arguments()).isEqualTo("[3]");
        assertThat(admin.job(name, first.id()).orElseThrow().dependents())
                .containsExactlyInAnyOrder(name + "/" + second.id(), name + "/" + third.id());
        assertThat(admin.job(name, first.id()).orElseThrow().result()).isEmpty();

        worker();
        assertThat(third.await(WAIT)).isEqualTo(16);
        assertThat(second.await(WAIT)).isEqualTo(9);
        JobInfo done = admin.job(name, first.id()).orElseThrow();
        assertThat(done.status()).isEqualTo(JobStatus.FINISHED);
        assertThat(done.arguments()).isEqualTo("[20,22]");
        assertThat(done.result()).contains("42");
        assertThat(done.recurring()).isEmpty();
        // a plain job keeps only its function once it finished (fetch.lua drops the payload)
        JobInfo plain = admin.job(name, third.id()).orElseThrow();
        assertThat(plain.function()).endsWith("Jobs::square");
        assertThat(plain.arguments()).isEqualTo("[]");
        assertThat(plain.result()).contains("16");
    }

    @Test
    void findJobLooksInEveryQueue() {
        Queue other = jrq.queue(name + "-other");
        Job<Integer> there = other.enqueue(Jobs::add, 1, 2);
        assertThat(admin.findJob(there.id())).hasValueSatisfying(j -> {
            assertThat(j.queue()).isEqualTo(name + "-other");
            assertThat(j.status()).isEqualTo(JobStatus.QUEUED);
        });
        assertThat(admin.findJob("no-such-job-" + name)).isEmpty();
        assertThat(admin.findJob("")).isEmpty();
        assertThatThrownBy(() -> admin.findJob(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void runNowMovesOnlyAScheduledJobToTheFront() {
        Job<Integer> waiting = q.enqueue(Jobs::add, 1, 1);
        Job<Integer> later = q.in(Duration.ofHours(1)).enqueue(Jobs::add, 2, 3);
        assertThat(later.status()).isEqualTo(JobStatus.SCHEDULED);
        assertThat(admin.runNow(name, waiting.id())).isFalse();
        assertThat(admin.runNow(name, "no-such-job")).isFalse();

        assertThat(admin.runNow(name, later.id())).isTrue();
        assertThat(later.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(admin.queue(name).count(JobStatus.SCHEDULED)).isZero();
        assertThat(admin.jobs(name, JobStatus.QUEUED, 0, 10).get(0).id())
                .as("the next to run")
                .isEqualTo(later.id());
        assertThat(admin.runNow(name, later.id())).as("a second time").isFalse();

        worker();
        assertThat(later.await(WAIT)).isEqualTo(5);
        assertThat(admin.runNow(name, later.id())).as("once it ran").isFalse();
    }

    @Test
    void triggeringARecurringJobEnqueuesARunNamedAfterIt() {
        jrq.recurring()
                .schedule(RecurringJob.builder("nightly")
                        .queue(name)
                        .cron("0 3 * * *")
                        .call(Jobs::add, 40, 2)
                        .build());
        Optional<String> run = jrq.recurring().trigger(name, "nightly");
        assertThat(run).isPresent();
        JobInfo info = admin.job(name, run.get()).orElseThrow();
        assertThat(info.recurring()).contains("nightly");
        assertThat(info.status()).isEqualTo(JobStatus.QUEUED);
        assertThat(info.arguments()).isEqualTo("[40,2]");
        // the schedule is left as it was: the next tick is still tomorrow at 03:00
        assertThat(admin.queue(name).count(JobStatus.SCHEDULED)).isZero();

        assertThat(jrq.recurring().trigger(name, "no-such-recurring-job")).isEmpty();
        assertThat(admin.queue(name).count(JobStatus.QUEUED)).isEqualTo(1);
        assertThatThrownBy(() -> jrq.recurring().trigger("bad queue name!", "nightly"))
                .isInstanceOf(IllegalArgumentException.class);

        worker();
        await().atMost(WAIT)
                .until(() -> admin.job(name, run.get())
                        .map(j -> j.status() == JobStatus.FINISHED)
                        .orElse(false));
        assertThat(admin.job(name, run.get()).orElseThrow().result()).contains("42");
    }
}
