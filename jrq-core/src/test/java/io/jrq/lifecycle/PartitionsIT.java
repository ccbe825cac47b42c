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
import io.jrq.QueueInfo;
import io.jrq.QueueLimits;
import io.jrq.Uniqueness;
import io.jrq.Worker;
import io.jrq.testjobs.Jobs;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Partitioned queues on one Redis: where jobs go, what workers serve, what operators see, and that
 * growing and shrinking while jobs wait loses none. The spread over cluster masters is
 * ClusterPartitionsIT's.
 */
@ExtendWith(RedisExtension.class)
class PartitionsIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final RedisServer redis;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Jrq jrq;
    private Admin admin;
    private String name;

    PartitionsIT(RedisServer redis) {
        this.redis = redis;
    }

    @BeforeEach
    void setUp() {
        jrq = Jrq.connect(redis.url());
        admin = jrq.admin();
        name = "part-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        jrq.close();
    }

    /** A client of its own: it reads the partitions afresh, as a producer started after the change. */
    private Jrq client() {
        Jrq c = Jrq.connect(redis.url());
        closeables.add(c);
        return c;
    }

    private Worker worker(int concurrency) {
        Worker w = client().worker(name)
                .allowPackages("io.jrq.testjobs")
                .concurrency(concurrency)
                .handleSignals(false)
                .start();
        closeables.add(w);
        return w;
    }

    private static void awaitFinished(List<? extends Job<?>> jobs) {
        await().atMost(WAIT)
                .untilAsserted(() ->
                        assertThat(jobs).allSatisfy(j -> assertThat(j.status()).isEqualTo(JobStatus.FINISHED)));
    }

    @Test
    void growingSpreadsNewJobsAndTheWorkerDrainsEveryPartition() {
        List<Job<Integer>> before = jrq.queue(name)
                .enqueueAll(Jobs::square, IntStream.range(0, 300).boxed().toList());
        admin.partitions(name, 4);
        assertThat(admin.partitions(name)).isEqualTo(4);
        List<Job<Integer>> after = client().queue(name)
                .enqueueAll(Jobs::square, IntStream.range(0, 400).boxed().toList());

        assertThat(before).allSatisfy(j -> assertThat(j.queue()).isEqualTo(name));
        Map<String, Integer> perPartition = new HashMap<>();
        after.forEach(j -> perPartition.merge(j.queue(), 1, Integer::sum));
        assertThat(perPartition).hasSize(4).containsKey(name);
        assertThat(perPartition.values()).allSatisfy(n -> assertThat(n).isGreaterThan(50));

        QueueInfo info = admin.queue(name);
        assertThat(info.partitions()).isEqualTo(4);
        assertThat(info.count(JobStatus.QUEUED)).isEqualTo(700);
        assertThat(jrq.queue(name).size()).isEqualTo(700);
        assertThat(admin.queues()).extracting(QueueInfo::name).contains(name).noneMatch(n -> n.contains("~"));
        // Pages run partition by partition and together list every job once.
        Set<String> listed = new HashSet<>();
        for (int offset = 0; offset < 700; offset += 90) {
            admin.jobs(name, JobStatus.QUEUED, offset, 90)
                    .forEach(j -> assertThat(listed.add(j.id()))
                            .as("listed once: " + j.id())
                            .isTrue());
        }
        assertThat(listed).hasSize(700);
        Job<Integer> some = after.get(7);
        assertThat(jrq.queue(name).job(some.id())).get().extracting(Job::queue).isEqualTo(some.queue());
        assertThat(admin.job(name, some.id())).get().extracting(JobInfo::queue).isEqualTo(some.queue());
        assertThat(admin.findJob(some.id())).isPresent();

        worker(8);
        awaitFinished(before);
        awaitFinished(after);
        assertThat(after.get(0).await(Duration.ofSeconds(5))).isEqualTo(0);
        assertThat(admin.queue(name).count(JobStatus.FINISHED)).isEqualTo(700);
        assertThat(admin.queue(name).finishedTotal()).isEqualTo(700);
    }

    @Test
    void aRunningWorkerServesPartitionsAddedAfterItStarted() {
        worker(4);
        Job<Integer> first = jrq.queue(name).enqueue(Jobs::add, 1, 2);
        assertThat(first.await(WAIT)).isEqualTo(3);
        admin.partitions(name, 3);
        List<Job<Integer>> jobs = client().queue(name)
                .enqueueAll(Jobs::square, IntStream.range(0, 200).boxed().toList());
        assertThat(jobs.stream().map(Job::queue).distinct()).hasSize(3);
        awaitFinished(jobs);
    }

    @Test
    void shrinkingDrainsThenRetiresAndLosesNothing() {
        admin.partitions(name, 4);
        List<Job<Integer>> spread = client().queue(name)
                .enqueueAll(Jobs::square, IntStream.range(0, 400).boxed().toList());
        admin.partitions(name, 1);
        List<Job<Integer>> later = client().queue(name)
                .enqueueAll(Jobs::square, IntStream.range(0, 100).boxed().toList());
        assertThat(later).allSatisfy(j -> assertThat(j.queue()).isEqualTo(name));
        // Partitions that take no new jobs are still counted and served.
        assertThat(admin.queue(name).count(JobStatus.QUEUED)).isEqualTo(500);
        assertThat(admin.queue(name).partitions()).isEqualTo(1);
        worker(8);
        awaitFinished(spread);
        awaitFinished(later);

        // Drained, but changed a moment ago: not retired yet, so a producer holding the old table loses nothing.
        admin.partitions(name, 1);
        String key = "jrq:{" + name + "}:partitions";
        assertThat(redis.execute("HGET", key, "names")).contains("~");
        // A minute later (its change time moved back): still kept, since the finished jobs they keep
        // for their result TTL are still listed and counted.
        redis.execute("HSET", key, "changed_at", "1");
        admin.partitions(name, 1);
        assertThat(redis.execute("HGET", key, "names")).contains("~");
        assertThat(admin.queue(name).count(JobStatus.FINISHED)).isEqualTo(500);
        // Once those have expired (here: deleted) they are retired, and their totals move to partition 0.
        List<String> drained = spread.stream()
                .filter(j -> !j.queue().equals(name))
                .map(j -> j.id())
                .toList();
        assertThat(admin.delete(name, drained)).isEqualTo(drained.size());
        admin.partitions(name, 1);
        assertThat(redis.execute("HGET", key, "names")).isEqualTo(name);
        assertThat(admin.queue(name).finishedTotal()).isEqualTo(500);
        assertThat(admin.queue(name).count(JobStatus.FINISHED)).isEqualTo(500 - drained.size());
    }

    @Test
    void aPartitionThatHoldsJobsIsNotRetired() {
        admin.partitions(name, 3);
        List<Job<Integer>> jobs = client().queue(name)
                .enqueueAll(Jobs::square, IntStream.range(0, 60).boxed().toList());
        admin.partitions(name, 1);
        String key = "jrq:{" + name + "}:partitions";
        redis.execute("HSET", key, "changed_at", "1");
        admin.partitions(name, 1);
        assertThat(redis.execute("HGET", key, "names").split(",")).hasSize(3);
        assertThat(admin.queue(name).count(JobStatus.QUEUED)).isEqualTo(60);
        worker(4);
        awaitFinished(jobs);
    }

    @Test
    void changingTheCountUnderLoadLosesAndRepeatsNoJob() throws Exception {
        worker(8);
        worker(8);
        Jrq producer = client();
        List<Job<Integer>> jobs = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean producing = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread t = new Thread(() -> {
            int i = 0;
            while (producing.get()) {
                jobs.addAll(producer.queue(name).enqueueAll(Jobs::square, List.of(i, i + 1, i + 2, i + 3)));
                i += 4;
                sleep(2);
            }
        });
        t.start();
        try {
            // Each change is seen by the producer within its 5 s refresh and by the workers within 3 s.
            for (int count : new int[] {4, 2, 6, 1}) {
                sleep(6000);
                admin.partitions(name, count);
            }
            sleep(6000);
        } finally {
            producing.set(false);
            t.join();
        }
        Map<String, Integer> perPartition = new HashMap<>();
        jobs.forEach(j -> perPartition.merge(j.queue(), 1, Integer::sum));
        System.out.printf("PartitionsIT: %d jobs while the count went 1, 4, 2, 6, 1: %s%n", jobs.size(), perPartition);
        assertThat(perPartition.size()).isGreaterThanOrEqualTo(6);
        awaitFinished(jobs);
        assertThat(admin.queue(name).finishedTotal())
                .as("each job finished once")
                .isEqualTo(jobs.size());
        assertThat(admin.queue(name).count(JobStatus.FAILED)).isZero();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void uniqueKeysHoldOverTheWholeQueueAndOrderingKeysKeepOnePartition() {
        admin.partitions(name, 4);
        Jrq c = client();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            ids.add(c.queue(name)
                    .with(EnqueueOptions.builder()
                            .unique("report-42", Uniqueness.WHILE_QUEUED)
                            .build())
                    .enqueue(Jobs::add, i, 1)
                    .id());
        }
        assertThat(ids).hasSize(1);
        assertThat(admin.queue(name).count(JobStatus.QUEUED)).isEqualTo(1);

        List<Job<Integer>> ordered = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ordered.add(c.queue(name)
                    .with(EnqueueOptions.builder().orderingKey("customer-7").build())
                    .enqueue(Jobs::add, i, 0));
        }
        assertThat(ordered.stream().map(Job::queue).distinct()).hasSize(1);
        List<String> queued = admin.jobs(ordered.get(0).queue(), JobStatus.QUEUED, 0, 100).stream()
                .map(JobInfo::id)
                .filter(id -> ordered.stream().anyMatch(j -> j.id().equals(id)))
                .toList();
        assertThat(queued)
                .containsExactlyElementsOf(ordered.stream().map(Job::id).toList());
    }

    @Test
    void limitsAreSharedAndPauseCoversEveryPartition() {
        admin.limit(name, QueueLimits.concurrency(5));
        admin.partitions(name, 3);
        assertThat(admin.queue(name).limits().concurrency()).isEqualTo(5);
        List<String> names = List.of(
                redis.execute("HGET", "jrq:{" + name + "}:partitions", "names").split(","));
        // Each partition enforces its share (partition 0's name stands for the whole queue in Admin).
        assertThat(names.stream().map(n -> redis.execute("HGET", "jrq:{" + n + "}:limits", "concurrency")))
                .containsExactly("2", "2", "1");

        assertThatThrownBy(() -> admin.limit(name, QueueLimits.concurrency(2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be shared by 3 partitions");
        assertThatThrownBy(() -> admin.partitions(name, 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("concurrency limit of 5");
        assertThat(admin.partitions(name)).isEqualTo(3);
        assertThat(admin.queue(name).limits().concurrency()).isEqualTo(5);

        admin.pause(name);
        assertThat(names)
                .allSatisfy(n -> assertThat(redis.execute("EXISTS", "jrq:{" + n + "}:paused"))
                        .isEqualTo("1"));
        admin.limit(name, QueueLimits.NONE);
        admin.partitions(name, 5);
        List<String> grown = List.of(
                redis.execute("HGET", "jrq:{" + name + "}:partitions", "names").split(","));
        assertThat(grown)
                .hasSize(5)
                .allSatisfy(n -> assertThat(admin.queue(n).paused()).isTrue());
        List<Job<Integer>> jobs = client().queue(name)
                .enqueueAll(Jobs::square, IntStream.range(0, 50).boxed().toList());
        worker(4);
        admin.resume(name);
        awaitFinished(jobs);
    }

    @Test
    void aSharedConcurrencyLimitHoldsOverTheWholeQueue() {
        admin.partitions(name, 3);
        admin.limit(name, QueueLimits.concurrency(5));
        String key = "peak-" + name;
        Jrq c = client();
        List<Job<Void>> jobs = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            jobs.add(c.queue(name).enqueue(Jobs::occupy, key, 100L));
        }
        worker(10);
        worker(10);
        awaitFinished(jobs);
        int peak = Jobs.PEAK.get(key).get();
        System.out.printf(
                "PartitionsIT: concurrency limit 5 over 3 partitions (shares 2, 2, 1), 2 workers of 10: peak %d%n",
                peak);
        assertThat(peak).as("jobs running at once").isLessThanOrEqualTo(5).isGreaterThanOrEqualTo(4);
    }

    @Test
    void badInputIsRefusedAndChangesNothing() {
        assertThatThrownBy(() -> admin.partitions(name, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 to 64");
        assertThatThrownBy(() -> admin.partitions(name, 65)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> admin.partitions("no spaces", 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> admin.partitions(name + "~1", 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is a partition of the queue");
        assertThatThrownBy(() -> jrq.queue(name + "~1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EnqueueOptions.builder().orderingKey("")).isInstanceOf(IllegalArgumentException.class);
        assertThat(redis.execute("EXISTS", "jrq:{" + name + "}:partitions")).isEqualTo("0");
        assertThat(admin.partitions(name)).isEqualTo(1);
    }

    @Test
    void aDamagedTableLeavesPartitionZeroWorking() {
        String key = "jrq:{" + name + "}:partitions";
        redis.execute("HSET", key, "names", name + ",other~1,\u0000," + name + "~2", "count", "many");
        assertThat(admin.partitions(name)).isEqualTo(2);
        List<Job<Integer>> jobs = client().queue(name)
                .enqueueAll(Jobs::square, IntStream.range(0, 40).boxed().toList());
        assertThat(jobs).allSatisfy(j -> assertThat(j.queue()).isIn(name, name + "~2"));
        worker(4);
        awaitFinished(jobs);
    }
}
