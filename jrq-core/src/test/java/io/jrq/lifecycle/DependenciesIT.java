package io.jrq.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrq.DependencyPolicy;
import io.jrq.EnqueueOptions;
import io.jrq.Job;
import io.jrq.JobFailedException;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.testjobs.Dag;
import io.jrq.testjobs.Jobs;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Jobs that wait for other jobs: any DAG, across queues, with both failure policies. */
@ExtendWith(RedisExtension.class)
class DependenciesIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final RedisServer redis;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Jrq jrq;
    private List<String> queues;

    DependenciesIT(RedisServer redis) {
        this.redis = redis;
    }

    @BeforeEach
    void setUp() {
        jrq = Jrq.connect(redis.url());
        String base = "dag-" + UUID.randomUUID().toString().substring(0, 8);
        queues = List.of(base + "-a", base + "-b", base + "-c");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        jrq.close();
    }

    private void workers(int n) {
        for (int i = 0; i < n; i++) {
            Jrq client = Jrq.connect(redis.url());
            closeables.add(client);
            closeables.add(client.worker(queues.toArray(String[]::new))
                    .allowPackages("io.jrq.testjobs")
                    .concurrency(4)
                    .handleSignals(false)
                    .start());
        }
    }

    @Test
    void aRandomGraphOf150JobsAcrossQueuesRunsEachJobAfterAllItsDependencies() {
        workers(3);
        String run = UUID.randomUUID().toString().substring(0, 6);
        Random random = new Random(42);
        List<Job<Integer>> jobs = new ArrayList<>();
        Map<String, List<String>> depsOf = new HashMap<>();
        for (int i = 0; i < 150; i++) {
            EnqueueOptions.Builder o = EnqueueOptions.builder();
            List<String> deps = new ArrayList<>();
            int n = i == 0 ? 0 : random.nextInt(Math.min(i, 4));
            for (int d = 0; d < n; d++) {
                Job<Integer> dep = jobs.get(random.nextInt(i));
                o.dependsOn(dep);
                deps.add(run + "-" + jobs.indexOf(dep));
            }
            if (i > 10 && i % 10 == 0) {
                // Fan-in: ten earlier jobs at once.
                for (int d = i - 10; d < i; d++) {
                    o.dependsOn(jobs.get(d));
                    deps.add(run + "-" + d);
                }
            }
            String label = run + "-" + i;
            depsOf.put(label, deps);
            jobs.add(jrq.queue(queues.get(i % 3)).with(o.build()).enqueue(Dag::node, label, i));
        }
        CompletableFuture.allOf(jobs.stream().map(Job::future).toArray(CompletableFuture[]::new))
                .orTimeout(60, TimeUnit.SECONDS)
                .join();
        List<String> log = Dag.LOG;
        for (Map.Entry<String, List<String>> e : depsOf.entrySet()) {
            int start = log.indexOf("start " + e.getKey());
            assertThat(start).isNotNegative();
            for (String dep : e.getValue()) {
                assertThat(log.indexOf("end " + dep))
                        .as("%s ran before its dependency %s ended", e.getKey(), dep)
                        .isLessThan(start);
            }
        }
        assertThat(log.stream().filter(s -> s.startsWith("start " + run + "-")).count())
                .isEqualTo(150);
    }

    @Test
    void aFailedDependencyCancelsItsDependentsDownTheGraphOrLetsThemRun() {
        workers(2);
        Job<String> failing = jrq.queue(queues.get(0)).enqueue(Jobs::fail, "root failure");
        Job<Integer> canceled = jrq.queue(queues.get(1))
                .with(EnqueueOptions.builder().dependsOn(failing).build())
                .enqueue(Jobs::add, 1, 1);
        Job<Integer> grandchild = jrq.queue(queues.get(2))
                .with(EnqueueOptions.builder().dependsOn(canceled).build())
                .enqueue(Jobs::add, 2, 2);
        Job<Integer> runsAnyway = jrq.queue(queues.get(2))
                .with(EnqueueOptions.builder()
                        .dependsOn(failing)
                        .onDependencyFailure(DependencyPolicy.RUN)
                        .build())
                .enqueue(Jobs::add, 3, 3);
        assertThat(canceled.status()).isIn(JobStatus.DEFERRED, JobStatus.CANCELED);
        assertThat(runsAnyway.await(WAIT)).isEqualTo(6);
        assertThatThrownBy(() -> canceled.await(WAIT)).isInstanceOf(JobFailedException.class);
        assertThatThrownBy(() -> grandchild.await(WAIT)).isInstanceOf(JobFailedException.class);
        assertThat(canceled.status()).isEqualTo(JobStatus.CANCELED);
        assertThat(grandchild.status()).isEqualTo(JobStatus.CANCELED);
        assertThat(canceled.info().error().orElseThrow().message()).contains(failing.id());
    }

    @Test
    void aDependentReadsTheResultsOfItsDependenciesAndLateRegistrationWorks() {
        workers(1);
        Job<Integer> a = jrq.queue(queues.get(0)).enqueue(Jobs::add, 20, 1);
        Job<Integer> b = jrq.queue(queues.get(1)).enqueue(Jobs::add, 20, 1);
        assertThat(a.await(WAIT)).isEqualTo(21);
        // b may or may not have finished yet; a certainly has: both cases must release the dependent.
        Job<Integer> sum = jrq.queue(queues.get(2))
                .with(EnqueueOptions.builder().dependsOn(a, b).build())
                .enqueue(Dag::sumOfDependencies);
        assertThat(sum.await(WAIT)).isEqualTo(42);
        assertThat(sum.info().status()).isEqualTo(JobStatus.FINISHED);
    }

    @Test
    void cancelingADependencyCancelsItsDependents() {
        Job<Integer> root = jrq.queue(queues.get(0)).in(Duration.ofHours(1)).enqueue(Jobs::add, 1, 1);
        Job<Integer> child = jrq.queue(queues.get(1))
                .with(EnqueueOptions.builder().dependsOn(root).build())
                .enqueue(Jobs::add, 1, 1);
        assertThat(child.status()).isEqualTo(JobStatus.DEFERRED);
        assertThat(root.cancel()).isEqualTo(JobStatus.CANCELED);
        await().atMost(WAIT).until(() -> child.status() == JobStatus.CANCELED);
        assertThat(jrq.admin().queue(queues.get(1)).count(JobStatus.DEFERRED)).isZero();
    }

    /** A worker whose re-check of deferred jobs comes round quickly (every 6 reap intervals). */
    private void quickCheckingWorker() {
        Jrq client = Jrq.connect(redis.url());
        closeables.add(client);
        closeables.add(client.worker(queues.toArray(String[]::new))
                .allowPackages("io.jrq.testjobs")
                .reapInterval(Duration.ofMillis(200))
                .handleSignals(false)
                .start());
    }

    @Test
    void aDependentWhoseReleaseWasLostIsReleasedByTheDeferredCheck() {
        Job<Integer> root = jrq.queue(queues.get(0)).in(Duration.ofHours(1)).enqueue(Jobs::add, 1, 1);
        Job<Integer> child = jrq.queue(queues.get(1))
                .with(EnqueueOptions.builder().dependsOn(root).build())
                .enqueue(Jobs::add, 2, 2);
        assertThat(child.status()).isEqualTo(JobStatus.DEFERRED);
        // What a process that died right after ending the root leaves behind: the root FINISHED, its
        // dependents taken (the set is gone), and release.lua never called.
        String rootKey = "jrq:{" + queues.get(0) + "}:";
        redis.execute("ZREM", rootKey + "scheduled", root.id());
        redis.execute("HSET", rootKey + "job:" + root.id(), "status", "FINISHED", "result", "2");
        redis.execute("DEL", rootKey + "dependents:" + root.id());
        quickCheckingWorker();
        assertThat(child.await(WAIT)).isEqualTo(4);
        assertThat(jrq.admin().queue(queues.get(1)).count(JobStatus.DEFERRED)).isZero();
    }

    @Test
    void deletingADependencyCancelsItsDependentsOnTheDeferredCheck() {
        Job<Integer> root = jrq.queue(queues.get(0)).in(Duration.ofHours(1)).enqueue(Jobs::add, 1, 1);
        Job<Integer> child = jrq.queue(queues.get(1))
                .with(EnqueueOptions.builder().dependsOn(root).build())
                .enqueue(Jobs::add, 2, 2);
        Job<Integer> runs = jrq.queue(queues.get(2))
                .with(EnqueueOptions.builder()
                        .dependsOn(root)
                        .onDependencyFailure(DependencyPolicy.RUN)
                        .build())
                .enqueue(Jobs::add, 3, 3);
        assertThat(jrq.admin().delete(queues.get(0), List.of(root.id()))).isEqualTo(1);
        quickCheckingWorker();
        await().atMost(WAIT).until(() -> child.status() == JobStatus.CANCELED);
        assertThat(child.info().error().orElseThrow().message())
                .contains(root.id())
                .contains("MISSING");
        assertThat(runs.await(WAIT)).isEqualTo(6);
    }
}
