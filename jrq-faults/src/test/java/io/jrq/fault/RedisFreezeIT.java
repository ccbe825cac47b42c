package io.jrq.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jrq.Job;
import io.jrq.JobStatus;
import io.jrq.Jrq;
import io.jrq.Queue;
import io.jrq.internal.Keys;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis stops answering, or drops every connection, under two busy worker processes and a client
 * awaiting results. Nobody restarts anything: the workers must resume by themselves (blocking
 * queue waiter and pub/sub command channel included), every job must finish, nothing may stay
 * STARTED, and the awaited results must arrive.
 */
class RedisFreezeIT {
    private static final long LEASE_MS = 2000;
    private static final long REAP_MS = 500;
    private static final long FREEZE_MS = 30_000;
    private static final int JOBS = 200;
    private static final Keys KEYS = new Keys("jrq");

    @RegisterExtension
    final WorkerProcesses fleet = new WorkerProcesses();

    /** SIGSTOP of redis-server for 30 s: every command in flight, blocking ones too, hangs. */
    @Test
    void workersResumeAfterRedisWasFrozenFor30Seconds() throws Exception {
        String queue = "freeze-" + UUID.randomUUID().toString().substring(0, 8);
        try (RedisServer server = RedisServer.start();
                Jrq client = Jrq.connect(server.url())) {
            List<WorkerProcess> workers = startWorkers(server, queue);
            Queue q = client.queue(queue);
            List<Job<String>> jobs = enqueue(q, "f", JOBS, 100);
            List<CompletableFuture<String>> futures =
                    jobs.stream().map(Job::future).toList();
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            futures.stream().filter(CompletableFuture::isDone).count() >= 40);

            server.pause();
            long frozenAt = System.currentTimeMillis();
            long doneBefore = futures.stream().filter(CompletableFuture::isDone).count();
            Thread.sleep(FREEZE_MS);
            server.resume();
            long resumedAt = System.currentTimeMillis();
            long resumedAtRedis = redisMillis(server);

            // One lease plus one reap interval (and slack for a loaded machine) after the resume, no
            // job leased before the freeze may still be STARTED: its lease ran out during the freeze.
            Thread.sleep(LEASE_MS + REAP_MS + 3000);
            int staleLeases = 0;
            for (String id :
                    server.execute("ZRANGE", KEYS.active(queue), "0", "-1").split("\n")) {
                if (!id.isBlank()) {
                    String started = server.execute("HGET", KEYS.job(queue, id), "started_at");
                    if (started != null && Long.parseLong(started) < resumedAtRedis) {
                        staleLeases++;
                    }
                }
            }
            assertThat(staleLeases)
                    .as("jobs still STARTED under a lease taken before the freeze")
                    .isZero();

            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            long allDoneAfter = System.currentTimeMillis() - resumedAt;
            Outcome o = check(server, q, jobs, workers, "f");
            long afterMs = runAfterFault(q, workers, "f-after");

            System.out.printf(
                    "RedisFreezeIT (SIGSTOP %d ms): jobs=%d done-before=%d all-done %d ms after resume; reruns=%d"
                            + " recovered-after-lease=%d; post-fault jobs ran on both workers in %d ms; worker restarts=0%n",
                    System.currentTimeMillis() - frozenAt - (System.currentTimeMillis() - resumedAt),
                    JOBS,
                    doneBefore,
                    allDoneAfter,
                    o.reruns,
                    o.recovered,
                    afterMs);
            // Leases (2 s) all lapsed during the freeze; the reaper (every 0.5 s) and the workers'
            // own fetch rounds must have settled every job well within the bound.
            assertThat(allDoneAfter)
                    .as("ms from resume until every awaited result arrived")
                    .isLessThan(45_000);
        }
    }

    /** CLIENT KILL of every connection, busy and then idle: the blocking BLMOVE and the pub/sub ones too. */
    @Test
    void workersResumeAfterEveryConnectionIsKilled() throws Exception {
        String queue = "clientkill-" + UUID.randomUUID().toString().substring(0, 8);
        try (RedisServer server = RedisServer.start();
                Jrq client = Jrq.connect(server.url())) {
            List<WorkerProcess> workers = startWorkers(server, queue);
            Queue q = client.queue(queue);
            List<Job<String>> jobs = enqueue(q, "k", JOBS, 50);
            List<CompletableFuture<String>> futures =
                    jobs.stream().map(Job::future).toList();
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            futures.stream().filter(CompletableFuture::isDone).count() >= 40);

            int killedBusy = killAllClients(server);
            long killedAt = System.currentTimeMillis();
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            long allDoneAfter = System.currentTimeMillis() - killedAt;
            Outcome o = check(server, q, jobs, workers, "k");

            // Idle: each worker is blocked in BLMOVE on its own connection; kill them all again.
            awaitWaitersAndSubscriptions(server, workers);
            int killedIdle = killAllClients(server);
            awaitWaitersAndSubscriptions(server, workers);
            long afterMs = runAfterFault(q, workers, "k-after");

            System.out.printf(
                    "RedisFreezeIT (CLIENT KILL): jobs=%d killed-busy=%d killed-idle=%d all-done %d ms after the kill;"
                            + " reruns=%d recovered-after-lease=%d; post-fault jobs ran on both workers in %d ms; worker restarts=0%n",
                    JOBS, killedBusy, killedIdle, allDoneAfter, o.reruns, o.recovered, afterMs);
            assertThat(killedBusy).as("connections killed while busy").isGreaterThanOrEqualTo(2 * 3);
            assertThat(killedIdle).as("connections killed while idle").isGreaterThanOrEqualTo(2 * 3);
            assertThat(allDoneAfter)
                    .as("ms from the kill until every awaited result arrived")
                    .isLessThan(30_000);
        }
    }

    private List<WorkerProcess> startWorkers(RedisServer server, String queue) {
        WorkerProcess.Spec spec = new WorkerProcess.Spec(server.url(), queue)
                .lease(LEASE_MS)
                .reap(REAP_MS)
                .concurrency(4);
        List<WorkerProcess> workers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            workers.add(fleet.start(queue + "-w" + i, spec));
        }
        workers.forEach(w -> w.awaitReady(Duration.ofSeconds(30)));
        return workers;
    }

    private static List<Job<String>> enqueue(Queue q, String label, int n, long millis) {
        List<Job<String>> jobs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            jobs.add(q.enqueue(FaultJobs::work, label + i, millis));
        }
        return jobs;
    }

    private record Outcome(int reruns, int recovered) {}

    /** Every job FINISHED with the right result, none left leased, workers still the same processes. */
    private Outcome check(
            RedisServer server, Queue q, List<Job<String>> jobs, List<WorkerProcess> workers, String label)
            throws Exception {
        Set<Long> pids = workers.stream().map(WorkerProcess::pid).collect(Collectors.toSet());
        RunLog runs = fleet.runs();
        int recovered = 0;
        for (int i = 0; i < jobs.size(); i++) {
            Job<String> job = jobs.get(i);
            String result = job.future().get();
            assertThat(result).startsWith(label + i + "@");
            assertThat(pids).contains(Long.parseLong(result.substring(result.indexOf('@') + 1)));
            assertThat(job.info().status()).as("status of %s", job.id()).isEqualTo(JobStatus.FINISHED);
            assertThat(runs.of(job.id())).as("runs of %s", job.id()).isNotEmpty();
            if (job.info().attempts() > 1) {
                recovered++;
            }
        }
        String queue = jobs.get(0).queue();
        assertThat(server.execute("ZCARD", KEYS.active(queue)))
                .as("jobs still leased")
                .isEqualTo("0");
        assertThat(q.size()).isZero();
        for (WorkerProcess w : workers) {
            assertThat(w.isAlive()).as("%s alive", w).isTrue();
            assertThat(w.outputText().split("READY ", -1).length - 1)
                    .as("times %s started", w)
                    .isEqualTo(1);
        }
        int reruns = runs.duplicated().size();
        return new Outcome(reruns, recovered);
    }

    /** New jobs after the fault run on both original processes; returns how long they took. */
    private long runAfterFault(Queue q, List<WorkerProcess> workers, String label) throws Exception {
        long start = System.currentTimeMillis();
        List<Job<String>> after = enqueue(q, label, 16, 300);
        for (Job<String> j : after) {
            assertThat(j.await(Duration.ofSeconds(30))).startsWith(label);
        }
        long took = System.currentTimeMillis() - start;
        Map<Long, Long> byPid = after.stream()
                .collect(Collectors.groupingBy(
                        j -> {
                            String r = j.future().join();
                            return Long.parseLong(r.substring(r.indexOf('@') + 1));
                        },
                        Collectors.counting()));
        assertThat(byPid.keySet())
                .as("processes that ran post-fault jobs")
                .containsExactlyInAnyOrderElementsOf(
                        workers.stream().map(WorkerProcess::pid).toList());
        assertThat(took)
                .as("ms to run 16 jobs of 300 ms on 8 slots after the fault")
                .isLessThan(20_000);
        return took;
    }

    /** Each worker blocks in BLMOVE again and listens on its command channel. */
    private static void awaitWaitersAndSubscriptions(RedisServer server, List<WorkerProcess> workers) {
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    long waiting = clients(server).stream()
                            .filter(c -> "blmove".equals(c.get("cmd")))
                            .count();
                    return waiting >= workers.size();
                });
        for (WorkerProcess w : workers) {
            await().atMost(Duration.ofSeconds(20)).until(() -> numsub(server, KEYS.commands(w.name())) == 1);
        }
    }

    /** Kills every client connection but the one asking, by id; returns how many. */
    private static int killAllClients(RedisServer server) {
        int killed = 0;
        for (Map<String, String> c : clients(server)) {
            if (c.get("cmd").startsWith("client")) {
                continue;
            }
            try {
                server.execute("CLIENT", "KILL", "ID", c.get("id"));
                killed++;
            } catch (IllegalStateException gone) {
                // It closed by itself in between.
            }
        }
        return killed;
    }

    private static List<Map<String, String>> clients(RedisServer server) {
        List<Map<String, String>> out = new ArrayList<>();
        for (String line : server.execute("CLIENT", "LIST").split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, String> fields = new java.util.HashMap<>();
            for (String kv : line.trim().split(" ")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    fields.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
            out.add(fields);
        }
        return out;
    }

    private static long redisMillis(RedisServer server) {
        String[] t = server.execute("TIME").split("\n");
        return Long.parseLong(t[0]) * 1000 + Long.parseLong(t[1]) / 1000;
    }

    private static int numsub(RedisServer server, String channel) {
        return Integer.parseInt(server.execute("PUBSUB", "NUMSUB", channel).split("\n")[1]);
    }
}
