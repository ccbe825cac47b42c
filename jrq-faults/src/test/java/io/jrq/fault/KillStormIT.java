package io.jrq.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrq.Job;
import io.jrq.Jrq;
import io.jrq.Queue;
import io.jrq.internal.Keys;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A storm of {@code kill -9}: three worker processes, each restarted as soon as it dies, are killed
 * at random while a batch of short jobs runs, spread evenly over the batch. No job is lost, every
 * job ends FINISHED, a job runs again only after the process that ran it was killed (so there are
 * no more extra runs than kills: each worker runs one job at a time), and it runs again within a
 * lease and a reap interval of the kill. A second storm runs four jobs at a time per worker with
 * the default of 3 recoveries: batches are leased ahead of their runs there, and no job may end
 * FAILED for losing leases it never started under. {@code -Djrq.soak=true}: 100 kills during
 * 10,000 jobs.
 */
@ExtendWith(RedisExtension.class)
class KillStormIT {
    private static final boolean SOAK = Boolean.getBoolean("jrq.soak");
    private static final int JOBS = SOAK ? 10_000 : 2_000;
    private static final int KILLS = SOAK ? 100 : 15;
    private static final int WORKERS = 3;
    private static final long LEASE_MS = 2000;
    private static final long REAP_MS = 250;
    /**
     * Beyond lease + reap interval: the survivor's current job (up to 150 ms), its next fetch, and the
     * delays of a machine shared with other builds (a 2-core machine at load 20 was seen to stall
     * worker threads for over a second).
     */
    private static final long MARGIN_MS = 3000;

    @RegisterExtension
    final WorkerProcesses fleet = new WorkerProcesses();

    @Test
    void noJobIsLostWhileWorkersAreKilledAtRandom(RedisServer redis) throws Exception {
        // One job at a time per worker: a kill then takes down at most the one job the worker holds,
        // which makes "extra runs <= kills" an exact bound. maxRecoveries is high enough that bad
        // luck (one job hit by several kills) cannot fail a job.
        storm(redis, 1, 50);
    }

    @Test
    void noJobFailsForLeasesItNeverRanUnder(RedisServer redis) throws Exception {
        storm(redis, 4, 3);
    }

    private void storm(RedisServer redis, int concurrency, int maxRecoveries) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String queue = "storm-" + suffix;
        Keys keys = new Keys("jrq");
        WorkerProcess.Spec spec = new WorkerProcess.Spec(redis.url(), queue)
                .lease(LEASE_MS)
                .concurrency(concurrency)
                .reap(REAP_MS)
                .maxRecoveries(maxRecoveries);
        long seed = System.nanoTime();
        Random random = new Random(seed);
        try (Respawner workers = new Respawner(fleet, "storm-" + suffix, WORKERS, spec);
                Jrq jrq = Jrq.connect(redis.url())) {
            await().atMost(Duration.ofSeconds(60)).until(() -> workers.ready() == WORKERS);
            Queue q = jrq.queue(queue);
            List<String> ids = new ArrayList<>(JOBS);
            for (int from = 0; from < JOBS; from += 500) {
                List<String> labels = IntStream.range(from, Math.min(JOBS, from + 500))
                        .mapToObj(i -> "s" + i)
                        .toList();
                q.enqueueAll(FaultJobs::varied, labels).stream().map(Job::id).forEach(ids::add);
            }
            long start = System.currentTimeMillis();
            long deadline = start + (SOAK ? 900_000 : 120_000);

            // Kill number k once the queue is down to JOBS - k * JOBS / (KILLS + 1) jobs, so that the
            // kills are spread over the batch; only when another ready worker is there to take over.
            int kills = 0;
            while (kills < KILLS) {
                assertThat(System.currentTimeMillis())
                        .as("time for %d kills (done: %d)", KILLS, kills)
                        .isLessThan(deadline);
                long threshold = JOBS - (long) (kills + 1) * JOBS / (KILLS + 1);
                if (Long.parseLong(redis.execute("LLEN", keys.ready(queue))) <= threshold
                        && workers.killRandom(random, 2) != null) {
                    kills++;
                } else {
                    Thread.sleep(10);
                }
            }
            long lastKillAfter = System.currentTimeMillis() - start;
            JobStates.awaitFinished(
                    redis,
                    keys,
                    queue,
                    ids,
                    Duration.ofMillis(Math.max(60_000, deadline - System.currentTimeMillis())));
            long allDoneAfter = System.currentTimeMillis() - start;

            Map<String, JobStates.State> states = JobStates.read(redis, keys, queue, ids);
            List<Respawner.Death> deaths = workers.deaths();
            RunLog runs = fleet.runs();
            DeathAudit audit = DeathAudit.of(ids, states, runs, deaths);
            System.out.printf(
                    "KillStormIT: concurrency=%d maxRecoveries=%d jobs=%d kills=%d lost=%d failedUnrun=%d finished=%d"
                            + " duplicates=%d extraRuns=%d maxRecoveryMs=%d (lease %d + reap %d + margin %d) workers=%d processes=%d"
                            + " lastKillAfterMs=%d allDoneAfterMs=%d seed=%d%n",
                    concurrency,
                    maxRecoveries,
                    JOBS,
                    kills,
                    audit.lost(),
                    audit.failedUnrun(),
                    audit.finished(),
                    audit.duplicates(),
                    audit.extraRuns(),
                    audit.maxRecoveryMs(),
                    LEASE_MS,
                    REAP_MS,
                    MARGIN_MS,
                    WORKERS,
                    fleet.all().size(),
                    lastKillAfter,
                    allDoneAfter,
                    seed);

            assertThat(deaths)
                    .as("worker processes that died")
                    .hasSize(KILLS)
                    .allSatisfy(d -> assertThat(d.killed())
                            .as(
                                    "%s died without being killed; exit code %d",
                                    d.process(), d.process().exitValue())
                            .isTrue());
            assertThat(audit.failedUnrun()).as("jobs FAILED without a run").isZero();
            assertThat(audit.lost()).as("jobs not FINISHED").isZero();
            assertThat(audit.problems()).as("inconsistent jobs").isEmpty();
            assertThat(runs.byJob().keySet()).as("jobs that ran").containsExactlyInAnyOrderElementsOf(ids);
            assertThat(audit.extraRuns()).as("extra runs").isLessThanOrEqualTo((long) kills * concurrency);
            assertThat(audit.maxRecoveryMs())
                    .as("longest time from a kill to the re-run of a job it cut short")
                    .isLessThanOrEqualTo(LEASE_MS + REAP_MS + MARGIN_MS);
            assertThat(q.size()).isZero();
            assertThat(redis.execute("ZCARD", keys.active(queue))).isEqualTo("0");
        }
    }
}
