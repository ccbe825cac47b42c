package io.jrq.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrq.Job;
import io.jrq.Jrq;
import io.jrq.JrqOptions;
import io.jrq.Queue;
import io.jrq.Worker;
import io.jrq.internal.Keys;
import io.jrq.internal.redis.Redis;
import io.jrq.internal.redis.ScriptGateway;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ten reapers at the same instant over the same orphans: a worker process leases 50 jobs and is
 * killed by {@code kill -9}; once the leases have expired, ten reapers, each on a connection of its
 * own, sweep together. Every orphan is put back exactly once (once in the ready list, one recovery)
 * and then runs exactly once more.
 */
@ExtendWith(RedisExtension.class)
class ConcurrentReapersIT {
    private static final int ORPHANS = 50;
    private static final int REAPERS = 10;
    private static final long LEASE_MS = 1000;

    @RegisterExtension
    final WorkerProcesses fleet = new WorkerProcesses();

    /** Ten threads that call {@code reap.lua} through a barrier, as ten workers' reapers would. */
    @Test
    void tenReapersAtOnceRequeueEachOrphanOnce(RedisServer redis) throws Exception {
        Orphans o = orphans(redis, "reap10-");
        ExecutorService pool = Executors.newFixedThreadPool(REAPERS);
        List<Redis> connections = new ArrayList<>();
        try {
            CyclicBarrier barrier = new CyclicBarrier(REAPERS);
            List<Future<ScriptGateway.ReapReply>> replies = new ArrayList<>();
            for (int i = 0; i < REAPERS; i++) {
                Redis connection =
                        Redis.connect(JrqOptions.builder().url(redis.url()).build());
                connections.add(connection);
                ScriptGateway scripts = new ScriptGateway(connection, o.keys);
                // Loaded and connected beforehand, so that the barrier releases ten ready calls.
                scripts.reap("warm-up-" + i, 3, 1000, 1000, -1);
                replies.add(pool.submit(() -> {
                    barrier.await(30, TimeUnit.SECONDS);
                    return scripts.reap(o.queue, 3, 1000, 1000, -1);
                }));
            }
            List<Long> requeued = new ArrayList<>();
            for (Future<ScriptGateway.ReapReply> f : replies) {
                ScriptGateway.ReapReply r = f.get(30, TimeUnit.SECONDS);
                requeued.add(r.requeued());
                assertThat(r.failed()).as("jobs failed by a reaper").isZero();
            }
            assertRequeuedOnce(redis, o);
            assertThat(requeued.stream().mapToLong(Long::longValue).sum())
                    .as("requeued, over all reapers: " + requeued)
                    .isEqualTo(ORPHANS);

            // A fresh worker then runs each orphan exactly once more.
            WorkerProcess rescuer = fleet.start(
                    "rescuer-" + o.suffix,
                    new WorkerProcess.Spec(redis.url(), o.queue).lease(LEASE_MS).concurrency(8));
            rescuer.awaitReady(Duration.ofSeconds(60));
            assertEachRanOnceMore(redis, o, run -> run.pid() == rescuer.pid());
            System.out.printf(
                    "ConcurrentReapersIT: %d orphans of a kill -9, %d reaper threads on their own connections at once:"
                            + " requeued per reaper %s, each orphan once in the ready list with 1 recovery, then run once more%n",
                    ORPHANS, REAPERS, requeued);
        } finally {
            pool.shutdownNow();
            connections.forEach(Redis::close);
        }
    }

    /** Ten workers started together, each with its own client, whose first reap comes at start. */
    @Test
    void tenWorkersStartedTogetherRequeueEachOrphanOnce(RedisServer redis) throws Exception {
        Orphans o = orphans(redis, "start10-");
        ExecutorService pool = Executors.newFixedThreadPool(REAPERS);
        List<Jrq> clients = new ArrayList<>();
        List<Worker> workers = new java.util.concurrent.CopyOnWriteArrayList<>();
        try {
            for (int i = 0; i < REAPERS; i++) {
                clients.add(Jrq.connect(redis.url()));
            }
            CyclicBarrier barrier = new CyclicBarrier(REAPERS);
            List<Future<?>> starts = new ArrayList<>();
            for (int i = 0; i < REAPERS; i++) {
                Jrq client = clients.get(i);
                String name = "reaper" + i + "-" + o.suffix;
                starts.add(pool.submit(() -> {
                    barrier.await(30, TimeUnit.SECONDS);
                    workers.add(client.worker(o.queue)
                            .name(name)
                            .allowPackages("io.jrq.fault")
                            .concurrency(2)
                            .leaseDuration(Duration.ofMillis(LEASE_MS))
                            .reapInterval(Duration.ofMillis(50))
                            .handleSignals(false)
                            .start());
                    return null;
                }));
            }
            for (Future<?> f : starts) {
                f.get(60, TimeUnit.SECONDS);
            }
            // These workers run in this JVM: their runs are counted in FaultJobs.RUNS.
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> o.ids.stream().allMatch(id -> FaultJobs.RUNS.containsKey(id)));
            assertEachRanOnceMore(redis, o, run -> false);
            for (String id : o.ids) {
                assertThat(FaultJobs.RUNS.get(id).get())
                        .as("runs of %s in the new workers", id)
                        .isEqualTo(1);
            }
            Map<String, Long> byWorker = o.ids.stream()
                    .collect(Collectors.groupingBy(
                            id -> redis.execute("HGET", o.keys.job(o.queue, id), "worker"), Collectors.counting()));
            System.out.printf(
                    "ConcurrentReapersIT: %d orphans of a kill -9, %d workers started at once reaping every 50 ms:"
                            + " each orphan recovered once and run once more (runs per worker %s)%n",
                    ORPHANS, REAPERS, byWorker.values());
        } finally {
            for (Worker w : workers) {
                w.close();
            }
            clients.forEach(Jrq::close);
            pool.shutdownNow();
        }
    }

    private record Orphans(String suffix, String queue, Keys keys, List<String> ids, WorkerProcess dead) {}

    /**
     * A worker process leases {@link #ORPHANS} jobs that each hold their first attempt for a minute,
     * is killed with all of them, and the call returns once all their leases have expired (by the
     * Redis clock), with no live worker on the queue.
     */
    private Orphans orphans(RedisServer redis, String prefix) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String queue = prefix + suffix;
        Keys keys = new Keys("jrq");
        WorkerProcess victim = fleet.start(
                "victim-" + suffix,
                new WorkerProcess.Spec(redis.url(), queue)
                        .lease(LEASE_MS)
                        .concurrency(ORPHANS)
                        .reap(60_000));
        victim.awaitReady(Duration.ofSeconds(60));
        List<String> ids;
        try (Jrq jrq = Jrq.connect(redis.url())) {
            Queue q = jrq.queue(queue);
            ids =
                    q
                            .enqueueAll(
                                    FaultJobs::holdFirst,
                                    IntStream.range(0, ORPHANS)
                                            .mapToObj(i -> "o" + i)
                                            .toList())
                            .stream()
                            .map(Job::id)
                            .toList();
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> RunLog.read(List.of(victim.runLog())).size() == ORPHANS);
        victim.kill();
        assertThat(redis.execute("ZCARD", keys.active(queue))).isEqualTo(Integer.toString(ORPHANS));
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    String[] time = redis.execute("TIME").split("\n");
                    long nowMs = Long.parseLong(time[0]) * 1000 + Long.parseLong(time[1]) / 1000;
                    return redis.execute("ZCOUNT", keys.active(queue), "-inf", Long.toString(nowMs))
                            .equals(Integer.toString(ORPHANS));
                });
        Map<String, JobStates.State> states = JobStates.read(redis, keys, queue, ids);
        assertThat(states.values())
                .allSatisfy(s -> assertThat(s)
                        .usingRecursiveComparison()
                        .ignoringFields("endedAt")
                        .isEqualTo(new JobStates.State("STARTED", 1, 0, 0)));
        return new Orphans(suffix, queue, keys, ids, victim);
    }

    private static void assertRequeuedOnce(RedisServer redis, Orphans o) {
        List<String> ready = Arrays.asList(
                redis.execute("LRANGE", o.keys.ready(o.queue), "0", "-1").split("\n"));
        assertThat(ready)
                .as("ready list")
                .hasSize(ORPHANS)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(o.ids);
        assertThat(redis.execute("ZCARD", o.keys.active(o.queue)))
                .as("active set")
                .isEqualTo("0");
        assertThat(JobStates.read(redis, o.keys, o.queue, o.ids).values())
                .allSatisfy(s -> assertThat(s)
                        .usingRecursiveComparison()
                        .ignoringFields("endedAt")
                        .isEqualTo(new JobStates.State("QUEUED", 1, 1, 0)));
    }

    /** Each orphan FINISHED at its second attempt after one recovery; its runs: the dead one, then one more. */
    private void assertEachRanOnceMore(RedisServer redis, Orphans o, Function<RunLog.Run, Boolean> isRescue) {
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> JobStates.count(JobStates.read(redis, o.keys, o.queue, o.ids), "FINISHED") == ORPHANS);
        assertThat(JobStates.read(redis, o.keys, o.queue, o.ids).values())
                .allSatisfy(s -> assertThat(s)
                        .usingRecursiveComparison()
                        .ignoringFields("endedAt")
                        .isEqualTo(new JobStates.State("FINISHED", 2, 1, 0)));
        Map<String, List<RunLog.Run>> byJob = fleet.runs().byJob();
        for (String id : o.ids) {
            List<RunLog.Run> runs = byJob.get(id);
            assertThat(runs).as("runs of %s in worker processes", id).isNotNull();
            assertThat(runs.stream().filter(r -> r.pid() == o.dead.pid()))
                    .as("runs of %s in the dead worker", id)
                    .hasSize(1);
            assertThat(runs.stream().filter(r -> r.pid() != o.dead.pid()))
                    .as("runs of %s elsewhere", id)
                    .hasSize(runs.size() - 1)
                    .allMatch(isRescue::apply);
        }
        assertThat(Long.parseLong(redis.execute("LLEN", o.keys.ready(o.queue)))).isZero();
    }
}
