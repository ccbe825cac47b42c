package io.jrq.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrq.Job;
import io.jrq.JobInfo;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.Queue;
import io.jrq.internal.Keys;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kill -9} of a worker process in the middle of a batch: every job still finishes, none is
 * lost, and only the jobs the dead worker held run twice, on the surviving worker, once their
 * leases have expired.
 */
@ExtendWith(RedisExtension.class)
class WorkerCrashIT {
    private static final int JOBS = 300;
    private static final long LEASE_MS = 2000;
    private static final long HEARTBEAT_MS = LEASE_MS / 3;
    private static final long REAP_MS = 500;
    /** How long a worker's registry entry outlives its last heartbeat (see LeaseKeeper). */
    private static final long REGISTRY_TTL_MS = Math.max(3 * HEARTBEAT_MS, 3000);

    @RegisterExtension
    final WorkerProcesses fleet = new WorkerProcesses();

    @Test
    void jobsOfAKilledWorkerRunAgainOnTheSurvivorAndNoneIsLost(RedisServer redis) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String queue = "crash-" + suffix;
        Keys keys = new Keys("jrq");
        WorkerProcess.Spec spec = new WorkerProcess.Spec(redis.url(), queue)
                .lease(LEASE_MS)
                .concurrency(4)
                .reap(REAP_MS)
                .quickRecovery(false); // this test is about the lease; QuickRecoveryIT about the rest
        WorkerProcess victim = fleet.start("victim-" + suffix, spec);
        WorkerProcess survivor = fleet.start("survivor-" + suffix, spec);
        victim.awaitReady(Duration.ofSeconds(30));
        survivor.awaitReady(Duration.ofSeconds(30));

        try (Jrq jrq = Jrq.connect(redis.url())) {
            Queue q = jrq.queue(queue);
            Random random = new Random(7);
            List<Job<String>> jobs = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                jobs.add(q.enqueue(FaultJobs::work, "j" + i, 50L + random.nextInt(51)));
            }
            Map<String, CompletableFuture<String>> futures = new LinkedHashMap<>();
            jobs.forEach(j -> futures.put(j.id(), j.future()));

            // Let the victim get going, then freeze it so that what it holds can be read exactly:
            // a frozen process neither finishes nor takes jobs.
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> RunLog.read(List.of(victim.runLog())).size() >= 20);
            victim.suspend();
            long frozenAt = System.currentTimeMillis();
            Thread.sleep(200); // whatever the victim sent before the freeze has been executed by now
            Set<String> held = heldBy(redis, keys, queue, victim.name());
            victim.kill();
            long killedAt = System.currentTimeMillis();
            long doneAtKill =
                    futures.values().stream().filter(CompletableFuture::isDone).count();
            assertThat(held)
                    .as("jobs the victim held when it was killed")
                    .isNotEmpty()
                    .hasSizeLessThanOrEqualTo(spec.concurrency());
            assertThat(doneAtKill).as("jobs done when the victim was killed").isBetween(1L, (long) JOBS - 1);

            CompletableFuture.allOf(held.stream().map(futures::get).toArray(CompletableFuture[]::new))
                    .get(30, TimeUnit.SECONDS);
            long recoveredAfter = System.currentTimeMillis() - killedAt;

            await().atMost(Duration.ofMillis(REGISTRY_TTL_MS + 3000))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> "0".equals(redis.execute("EXISTS", keys.worker(victim.name()))));
            long registryGoneAfter = System.currentTimeMillis() - killedAt;
            assertThat(redis.execute("EXISTS", keys.worker(survivor.name())))
                    .as("the survivor's registry entry")
                    .isEqualTo("1");

            CompletableFuture.allOf(futures.values().toArray(CompletableFuture[]::new))
                    .get(60, TimeUnit.SECONDS);
            long allDoneAfter = System.currentTimeMillis() - killedAt;

            RunLog runs = fleet.runs();
            Map<String, List<RunLog.Run>> byJob = runs.byJob();
            Set<String> ids = new HashSet<>(futures.keySet());
            assertThat(byJob.keySet()).as("jobs that ran at least once").containsExactlyInAnyOrderElementsOf(ids);
            Set<String> duplicated = runs.duplicated();
            assertThat(held).as("jobs the victim held").containsAll(duplicated);
            for (Job<String> job : jobs) {
                JobInfo info = job.info();
                assertThat(info.status()).as("status of %s", job.id()).isEqualTo(JobStatus.FINISHED);
                List<RunLog.Run> jobRuns = byJob.get(job.id());
                if (held.contains(job.id())) {
                    assertThat(info.worker())
                            .as("worker of held job %s", job.id())
                            .contains(survivor.name());
                    assertThat(info.attempts())
                            .as("attempts of held job %s", job.id())
                            .isEqualTo(2);
                    assertThat(redis.execute("HGET", keys.job(queue, job.id()), "recoveries"))
                            .isEqualTo("1");
                    assertThat(futures.get(job.id()).get()).endsWith("@" + survivor.pid());
                    assertThat(jobRuns)
                            .as("runs of held job %s", job.id())
                            .hasSizeBetween(1, 2)
                            .filteredOn(r -> r.pid() == survivor.pid())
                            .hasSize(1);
                    // Taken over only once its lease had run out: the victim last renewed it at most
                    // one heartbeat before it froze.
                    assertThat(info.startedAt().orElseThrow().toEpochMilli())
                            .as("restart time of held job %s", job.id())
                            .isGreaterThanOrEqualTo(frozenAt + LEASE_MS - HEARTBEAT_MS - 300);
                } else {
                    assertThat(info.attempts()).as("attempts of %s", job.id()).isEqualTo(1);
                    assertThat(jobRuns).as("runs of %s", job.id()).hasSize(1);
                }
            }
            assertThat(runs.size()).isEqualTo(JOBS + duplicated.size());
            assertThat(q.size()).isZero();
            assertThat(redis.execute("ZCARD", keys.active(queue))).isEqualTo("0");

            System.out.printf(
                    "WorkerCrashIT: %d jobs, 1 kill -9, %d done before it, %d held by the dead worker, %d ran twice"
                            + " (%d runs by the dead worker, %d by the survivor); held jobs finished %d ms after the kill"
                            + " (lease %d ms, reap %d ms), all jobs %d ms after; dead worker's registry entry gone after %d ms%n",
                    JOBS,
                    doneAtKill,
                    held.size(),
                    duplicated.size(),
                    runs.countBy(victim.pid()),
                    runs.countBy(survivor.pid()),
                    recoveredAfter,
                    LEASE_MS,
                    REAP_MS,
                    allDoneAfter,
                    registryGoneAfter);
        }
    }

    /** Ids in the active set whose job is STARTED by the given worker. */
    static Set<String> heldBy(RedisServer redis, Keys keys, String queue, String worker) {
        Set<String> held = new HashSet<>();
        String members = redis.execute("ZRANGE", keys.active(queue), "0", "-1");
        for (String id : members.split("\n")) {
            if (id.isBlank()) {
                continue;
            }
            String[] f = redis.execute("HMGET", keys.job(queue, id), "status", "worker")
                    .split("\n");
            if (f.length == 2 && f[0].equals("STARTED") && f[1].equals(worker)) {
                held.add(id);
            }
        }
        return held;
    }
}
