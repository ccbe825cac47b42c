package io.jrq.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrq.Job;
import io.jrq.Jrq;
import io.jrq.Queue;
import io.jrq.internal.Keys;
import io.jrq.internal.worker.FaultPoints;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Worker JVMs that halt at the named steps of their Redis conversation (see
 * {@code io.jrq.internal.worker.FaultPoints}): before {@code fetch.lua} is sent with the pending
 * completions, after its reply leased jobs, as a leased job starts, after a job ended but before its
 * completion is handed on, before {@code renew.lua} is sent, after its reply. One worker process per
 * step, each armed with that step only and restarted (armed the same way) whenever it dies, run
 * batches of jobs together until each step has killed its worker at least {@value #MIN_DEATHS}
 * times: no job is lost, every job ends FINISHED, a job runs again only after the process that ran
 * it died, and the extra runs that follow the deaths at a step are no more than those deaths.
 */
@ExtendWith(RedisExtension.class)
class FaultPointsIT {
    private static final boolean SOAK = Boolean.getBoolean("jrq.soak");
    private static final int WAVE = SOAK ? 500 : 200;
    private static final int MIN_DEATHS = SOAK ? 10 : 2;
    private static final int MAX_WAVES = SOAK ? 60 : 25;
    private static final long LEASE_MS = 2000;
    private static final long REAP_MS = 250;

    @RegisterExtension
    final WorkerProcesses fleet = new WorkerProcesses();

    /** Fetches and jobs come about once per job, but renewals only every lease / 3 while a job runs. */
    private static double probability(String point) {
        return point.startsWith("renew.") ? 0.25 : 0.03;
    }

    @Test
    void aWorkerThatDiesAtAnyStepLosesNoJob(RedisServer redis) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String queue = "points-" + suffix;
        Keys keys = new Keys("jrq");
        // One job at a time per worker, so that a death cuts short at most one job's run: extra runs
        // <= deaths is then an exact bound.
        WorkerProcess.Spec base = new WorkerProcess.Spec(redis.url(), queue)
                .lease(LEASE_MS)
                .concurrency(1)
                .reap(REAP_MS)
                .maxRecoveries(50);
        List<WorkerProcess.Spec> specs = FaultPoints.ALL.stream()
                .map(p -> base.faultPoints(p + ":" + probability(p)))
                .toList();
        try (Respawner workers = new Respawner(fleet, "fp-" + suffix, specs);
                Jrq jrq = Jrq.connect(redis.url())) {
            Queue q = jrq.queue(queue);
            List<String> ids = new ArrayList<>();
            long start = System.currentTimeMillis();
            int waves = 0;
            while (waves < MAX_WAVES
                    && deathsByPoint(workers.deaths()).values().stream().anyMatch(n -> n < MIN_DEATHS)) {
                int from = waves++ * WAVE;
                List<String> labels = IntStream.range(from, from + WAVE)
                        .mapToObj(i -> "p" + i)
                        .toList();
                List<String> wave = q.enqueueAll(FaultJobs::varied, labels).stream()
                        .map(Job::id)
                        .toList();
                ids.addAll(wave);
                // Generous: most of the time some of the workers are JVMs starting up again.
                JobStates.awaitFinished(redis, keys, queue, wave, Duration.ofSeconds(60 + WAVE / 3));
            }
            long allDoneAfter = System.currentTimeMillis() - start;

            Map<String, JobStates.State> states = JobStates.read(redis, keys, queue, ids);
            List<Respawner.Death> deaths = workers.deaths();
            RunLog runs = fleet.runs();
            DeathAudit audit = DeathAudit.of(ids, states, runs, deaths);
            Map<String, Integer> deathsAt = deathsByPoint(deaths);
            Map<String, Integer> extraAfter = extraRunsByPoint(runs, deaths);
            System.out.printf(
                    "FaultPointsIT: jobs=%d waves=%d deaths=%d lost=%d finished=%d duplicates=%d extraRuns=%d"
                            + " maxRecoveryMs=%d processes=%d allDoneAfterMs=%d%n",
                    ids.size(),
                    waves,
                    deaths.size(),
                    audit.lost(),
                    audit.finished(),
                    audit.duplicates(),
                    audit.extraRuns(),
                    audit.maxRecoveryMs(),
                    fleet.all().size(),
                    allDoneAfter);
            for (String point : FaultPoints.ALL) {
                System.out.printf(
                        "FaultPointsIT: %-17s p=%.2f deaths=%d extraRuns=%d%n",
                        point, probability(point), deathsAt.get(point), extraAfter.getOrDefault(point, 0));
            }

            assertThat(deaths)
                    .as("deaths")
                    .allSatisfy(d -> assertThat(d.process().exitValue())
                            .as("exit code of %s\n%s", d.process(), d.process().tail(20))
                            .isEqualTo(99));
            assertThat(deathsAt)
                    .as("deaths per fault point")
                    .allSatisfy((point, n) -> assertThat(n).as(point).isGreaterThanOrEqualTo(MIN_DEATHS));
            assertThat(audit.lost()).as("jobs not FINISHED").isZero();
            assertThat(audit.problems()).as("inconsistent jobs").isEmpty();
            assertThat(runs.byJob().keySet()).as("jobs that ran").containsExactlyInAnyOrderElementsOf(ids);
            assertThat(audit.extraRuns()).as("extra runs").isLessThanOrEqualTo(deaths.size());
            extraAfter.forEach((point, n) ->
                    assertThat(n).as("extra runs after deaths at %s", point).isLessThanOrEqualTo(deathsAt.get(point)));
            assertThat(q.size()).isZero();
            assertThat(redis.execute("ZCARD", keys.active(queue))).isEqualTo("0");
        }
    }

    /** @return for every fault point, how many processes halted there (each says so in its output) */
    private static Map<String, Integer> deathsByPoint(List<Respawner.Death> deaths) {
        Map<String, Integer> m = new LinkedHashMap<>();
        FaultPoints.ALL.forEach(p -> m.put(p, 0));
        for (Respawner.Death d : deaths) {
            String point = pointOf(d.process());
            if (point != null) {
                m.merge(point, 1, Integer::sum);
            }
        }
        return m;
    }

    /** @return for every fault point, the runs that repeat a run cut short by a death there */
    private static Map<String, Integer> extraRunsByPoint(RunLog runs, List<Respawner.Death> deaths) {
        Map<Long, String> pointByPid = new HashMap<>();
        for (Respawner.Death d : deaths) {
            pointByPid.put(d.process().pid(), String.valueOf(pointOf(d.process())));
        }
        Map<String, Integer> m = new HashMap<>();
        for (List<RunLog.Run> rs : runs.byJob().values()) {
            List<RunLog.Run> sorted = rs.stream()
                    .sorted(java.util.Comparator.comparingLong(RunLog.Run::startedAt))
                    .toList();
            for (int i = 0; i + 1 < sorted.size(); i++) {
                m.merge(pointByPid.getOrDefault(sorted.get(i).pid(), "none"), 1, Integer::sum);
            }
        }
        return m;
    }

    private static String pointOf(WorkerProcess p) {
        String out = p.outputText();
        for (String point : FaultPoints.ALL) {
            if (out.contains("jrq fault point " + point + " reached: halting")) {
                return point;
            }
        }
        return null;
    }
}
