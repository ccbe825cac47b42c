package io.jrq.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrq.Admin;
import io.jrq.Job;
import io.jrq.JobInfo;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.JrqException;
import io.jrq.Queue;
import io.jrq.QueueInfo;
import io.jrq.QueueLimits;
import io.jrq.Worker;
import io.jrq.testjobs.Jobs;
import io.jrq.testjobs.Limits;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The operators' API, pause/resume, limits across workers, weighted queues. */
@ExtendWith(RedisExtension.class)
class AdminIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final RedisServer redis;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Jrq jrq;
    private Admin admin;
    private String name;
    private Queue q;

    AdminIT(RedisServer redis) {
        this.redis = redis;
    }

    @BeforeEach
    void setUp() {
        jrq = Jrq.connect(redis.url());
        admin = jrq.admin();
        name = "adm-" + UUID.randomUUID().toString().substring(0, 8);
        q = jrq.queue(name);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        jrq.close();
    }

    private Worker worker(int concurrency, String... queues) {
        Jrq client = Jrq.connect(redis.url());
        closeables.add(client);
        Worker w = client.worker(queues.length == 0 ? new String[] {name} : queues)
                .allowPackages("io.jrq.testjobs")
                .concurrency(concurrency)
                .handleSignals(false)
                .start();
        closeables.add(w);
        return w;
    }

    @Test
    void countsPagesRequeuesAndDeletes() {
        List<Job<String>> failing = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            failing.add(q.enqueue(Jobs::fail, "bad " + i));
        }
        Job<Integer> ok = q.enqueue(Jobs::add, 1, 2);
        Job<Integer> later = q.in(Duration.ofHours(1)).enqueue(Jobs::add, 3, 4);
        assertThat(admin.queue(name).count(JobStatus.QUEUED)).isEqualTo(6);
        assertThat(admin.queue(name).count(JobStatus.SCHEDULED)).isEqualTo(1);
        assertThat(admin.jobs(name, JobStatus.QUEUED, 0, 2))
                .extracting(JobInfo::id)
                .containsExactly(failing.get(0).id(), failing.get(1).id());
        assertThat(admin.jobs(name, JobStatus.QUEUED, 5, 10))
                .extracting(JobInfo::id)
                .containsExactly(ok.id());
        Worker w = worker(2);
        ok.await(WAIT);
        failing.forEach(j -> await().atMost(WAIT).until(() -> j.status() == JobStatus.FAILED));
        QueueInfo info = admin.queue(name);
        assertThat(info.count(JobStatus.FAILED)).isEqualTo(5);
        assertThat(info.count(JobStatus.FINISHED)).isEqualTo(1);
        assertThat(admin.queues()).extracting(QueueInfo::name).contains(name);
        assertThat(admin.workers()).anySatisfy(wi -> {
            assertThat(wi.name()).isEqualTo(w.name());
            assertThat(wi.queues()).containsExactly(name);
        });
        assertThat(admin.jobs(name, JobStatus.FAILED, 0, 10))
                .hasSize(5)
                .allSatisfy(j -> assertThat(j.error().orElseThrow().message()).startsWith("bad "));

        assertThat(admin.requeue(name, List.of(failing.get(0).id()))).isEqualTo(1);
        await().atMost(WAIT)
                .until(() -> failing.get(0).status() == JobStatus.FAILED
                        && failing.get(0).attempts() == 1
                        && admin.queue(name).count(JobStatus.FAILED) == 5);
        assertThat(admin.requeueAllFailed(name)).isEqualTo(5);
        await().atMost(WAIT).until(() -> admin.queue(name).count(JobStatus.FAILED) == 5);
        assertThat(admin.deleteAllFailed(name)).isEqualTo(5);
        assertThat(admin.queue(name).count(JobStatus.FAILED)).isZero();
        assertThat(q.job(failing.get(2).id())).isEmpty();
        assertThat(admin.delete(name, List.of(later.id()))).isEqualTo(1);
        assertThat(admin.queue(name).count(JobStatus.SCHEDULED)).isZero();
    }

    @Test
    void refusesToDeleteARunningJob() {
        worker(1);
        Job<Long> job = q.enqueue(Jobs::sleep, 1500L);
        await().atMost(WAIT).until(() -> job.status() == JobStatus.STARTED);
        assertThatThrownBy(() -> admin.delete(name, List.of(job.id())))
                .isInstanceOf(JrqException.class)
                .hasMessageContaining("running");
        job.await(WAIT);
    }

    @Test
    void pauseHoldsJobsAndResumeReleasesThem() {
        worker(2);
        admin.pause(name);
        assertThat(admin.queue(name).paused()).isTrue();
        Job<Integer> job = q.enqueue(Jobs::add, 2, 2);
        await().pollDelay(Duration.ofMillis(1500)).atMost(WAIT).until(() -> true);
        assertThat(job.status()).isEqualTo(JobStatus.QUEUED);
        admin.resume(name);
        assertThat(job.await(WAIT)).isEqualTo(4);
    }

    @Test
    void emptyDeletesQueuedJobs() {
        IntStream.range(0, 2500).forEach(i -> q.enqueue(Jobs::add, i, i));
        assertThat(admin.empty(name)).isEqualTo(2500);
        assertThat(q.size()).isZero();
        assertThat(admin.queue(name).count(JobStatus.QUEUED)).isZero();
    }

    @Test
    void theConcurrencyLimitHoldsAcrossWorkers() {
        admin.limit(name, QueueLimits.concurrency(3));
        String key = UUID.randomUUID().toString();
        List<Job<Void>> jobs = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            jobs.add(q.enqueue(Limits::hold, key, 100L));
        }
        worker(4);
        worker(4);
        worker(4);
        jobs.forEach(j -> j.await(WAIT));
        assertThat(Limits.MAX.get(key).get()).isEqualTo(3);
        assertThat(admin.queue(name).limits().concurrency()).isEqualTo(3);
    }

    @Test
    void theRateLimitHoldsWithinTenPercentOverTenSeconds() {
        int perSecond = 20;
        admin.limit(name, QueueLimits.rate(perSecond, Duration.ofSeconds(1)));
        String key = UUID.randomUUID().toString();
        for (int i = 0; i < 1000; i++) {
            q.enqueue(Limits::hold, key, 0L);
        }
        worker(8);
        worker(8);
        await().pollDelay(Duration.ofSeconds(11)).atMost(Duration.ofSeconds(12)).until(() -> true);
        List<Long> starts = new ArrayList<>(Limits.STARTS.get(key));
        starts.sort(null);
        long from = starts.get(0) + 500;
        long count = starts.stream().filter(t -> t >= from && t < from + 10_000).count();
        assertThat(count).isBetween((long) (perSecond * 10 * 0.9), (long) (perSecond * 10 * 1.1));
        admin.empty(name);
    }

    @Test
    void weightedQueuesServeEveryQueue() {
        String a = name + "-a";
        String b = name + "-b";
        String key = UUID.randomUUID().toString();
        List<Job<Void>> jobs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            jobs.add(jrq.queue(a).enqueue(Jobs::record, key + "/a"));
            jobs.add(jrq.queue(b).enqueue(Jobs::record, key + "/b"));
        }
        Jrq client = Jrq.connect(redis.url());
        closeables.add(client);
        closeables.add(client.worker(a, b)
                .weights(3, 1)
                .concurrency(1)
                .allowPackages("io.jrq.testjobs")
                .handleSignals(false)
                .start());
        await().atMost(WAIT)
                .until(() -> Jobs.ORDER.stream().filter(s -> s.startsWith(key)).count() >= 100);
        List<String> first =
                Jobs.ORDER.stream().filter(s -> s.startsWith(key)).limit(100).toList();
        long fromB = first.stream().filter(s -> s.endsWith("/b")).count();
        // Strict priority would give 0; weight 1 of 4 gives about 25.
        assertThat(fromB).isBetween(10L, 45L);
        jobs.forEach(j -> j.await(WAIT));
    }
}
