package io.jrq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.jrq.internal.Keys;
import io.jrq.internal.redis.Script;
import io.jrq.redisserver.Resp;
import io.jrq.testjobs.Dag;
import io.jrq.testjobs.Flaky;
import io.jrq.testjobs.Gates;
import io.jrq.testjobs.Jobs;
import io.jrq.testjobs.Ticks;
import io.jrq.testkit.Private;
import io.jrq.testkit.RedisCluster;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every Lua script of jrq runs on a 3-master Redis Cluster through the public API path that calls
 * it, on two queues whose slots live on different masters; no command gets {@code CROSSSLOT}, and
 * no script fails (as one touching a key outside its slot would: {@code ERR Script attempted to
 * access keys that do not hash to the same slot}) but with the expected {@code NOSCRIPT} of a
 * script's first {@code EVALSHA} on a node. Each queue's keys share its hash tag, so this holds by
 * construction; the test keeps it so as scripts and their callers change. The other error replies
 * are accounted for one by one: the {@code CLIENT SETINFO} Lettuce sends on each new connection
 * (unknown before Redis 7.2), and the {@code WRONGTYPE} that {@code redis.pcall} catches in
 * {@code lib/full.lua} when start.lua runs.
 *
 * <p>Which scripts ran where is read from the masters' script caches: the client sends
 * {@code EVALSHA} and, on {@code NOSCRIPT}, {@code EVAL}, which caches the script on the node that
 * ran it. So a script in a master's cache was sent to that master, and only the masters of the two
 * queues may have any.
 */
@ExtendWith(RedisExtension.class)
class ClusterScriptsIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Scripts that no public path runs on a cluster, and why; the test checks that they never ran. */
    private static final Map<Script, String> NOT_ON_A_CLUSTER = Map.of(
            Script.RECOVER,
            "quick recovery (the only caller of recover.lua) is off on a cluster: a worker's subscription lives on"
                    + " one node and PUBSUB NUMSUB counts that node's subscribers only, so a live worker would look"
                    + " dead from the other nodes (WorkerRuntime); jobs of dead workers come back when their lease"
                    + " expires (reap.lua)");

    /**
     * Moves a job's lease deadline in the active set to the past, as if its worker had died, only
     * while the job still holds the lease of the token given: never a lease taken after the reaper
     * gave it back.
     */
    private static final String EXPIRE_LEASE = """
            if redis.call('HGET', KEYS[1], 'token') ~= ARGV[2] then return 0 end
            return redis.call('ZADD', KEYS[2], 'XX', 1, ARGV[1])
            """;

    @Test
    void everyScriptRunsInItsQueuesSlotWithoutCrossSlotOrScriptErrors(@Private RedisCluster cluster) throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String a = queueOn(cluster, cluster.nodes().get(0), "cs-a-" + tag);
        String b = queueOn(cluster, cluster.nodes().get(1), "cs-b-" + tag);
        RedisServer masterA = cluster.masterOf("{" + a + "}");
        RedisServer masterB = cluster.masterOf("{" + b + "}");
        RedisServer other = cluster.nodes().get(2);
        assertThat(masterA).isNotEqualTo(masterB);
        Map<RedisServer, Map<String, Long>> before = new LinkedHashMap<>();
        for (RedisServer m : cluster.nodes()) {
            before.put(m, stats(m));
        }
        Keys keys = new Keys("jrq");

        long started = System.currentTimeMillis();
        // One worker over both queues (BLMOVE alone, then an idle fetch over both; a reaper and a
        // recurring ticker per queue), with short beats so that renew, reap and tick run often.
        try (Jrq jrq = Jrq.connect(cluster.url());
                Worker both = jrq.worker(a, b)
                        .allowPackages("io.jrq.testjobs")
                        .concurrency(4)
                        .handleSignals(false)
                        .leaseDuration(Duration.ofSeconds(30))
                        .heartbeatInterval(Duration.ofMillis(200))
                        .reapInterval(Duration.ofMillis(200))
                        .shutdownGrace(Duration.ZERO)
                        .start()) {
            Admin admin = jrq.admin();
            Queue qa = jrq.queue(a);
            Queue qb = jrq.queue(b);

            // enqueue.lua and fetch.lua: one, bulk, delayed, unique, on both masters.
            assertThat(qa.enqueue(Jobs::add, 1, 2).await(WAIT)).isEqualTo(3);
            assertThat(qb.enqueue(Jobs::add, 2, 3).await(WAIT)).isEqualTo(5);
            List<Job<Integer>> bulk = qb.enqueueAll(
                    Jobs::square, IntStream.rangeClosed(1, 20).boxed().toList());
            int sum = 0;
            for (Job<Integer> j : bulk) {
                sum += j.await(WAIT);
            }
            assertThat(sum).isEqualTo(2870);
            assertThat(qa.in(Duration.ofMillis(300)).enqueue(Jobs::add, 2, 2).await(WAIT))
                    .isEqualTo(4);
            EnqueueOptions unique = EnqueueOptions.builder()
                    .unique("cs-unique-" + tag, Uniqueness.WHILE_ACTIVE)
                    .build();
            String heldA = "cs-unique-" + tag;
            String heldB = "cs-renew-" + tag;
            Job<String> first = qa.with(unique).enqueue(Gates::hold, heldA);
            assertThat(qa.with(unique).enqueue(Gates::hold, heldA).id()).isEqualTo(first.id());
            Job<String> onB = qb.enqueue(Gates::hold, heldB);
            // renew.lua: a job in each queue runs until the heartbeat has renewed its lease in that
            // queue's slot (a run of fixed length could end before a heartbeat on a loaded machine).
            assertThat(eventually(() -> cached(masterA, Script.RENEW) && cached(masterB, Script.RENEW)))
                    .as("renew.lua ran on " + masterA + " and " + masterB + " while the jobs held their leases")
                    .isTrue();
            Gates.open(heldA);
            Gates.open(heldB);
            assertThat(first.await(WAIT)).isEqualTo(heldA);
            assertThat(onB.await(WAIT)).isEqualTo(heldB);

            // depend.lua in the dependency's queue, release.lua in the dependent's, across masters both ways.
            Job<Integer> parentA = qa.enqueue(Dag::node, "cs-pa-" + tag, 2);
            Job<Integer> parentB = qb.enqueue(Dag::node, "cs-pb-" + tag, 3);
            Job<Integer> childB =
                    qb.with(EnqueueOptions.builder().dependsOn(parentA).build()).enqueue(Dag::sumOfDependencies);
            Job<Integer> childA = qa.with(
                            EnqueueOptions.builder().dependsOn(parentA, parentB).build())
                    .enqueue(Dag::sumOfDependencies);
            assertThat(childB.await(WAIT)).isEqualTo(2);
            assertThat(childA.await(WAIT)).isEqualTo(5);

            // cancel.lua: a job that has not started, and a running one flagged to stop.
            Job<Integer> later = qb.in(Duration.ofHours(1)).enqueue(Jobs::add, 1, 1);
            assertThat(later.cancel()).isEqualTo(JobStatus.CANCELED);
            Job<Integer> steps = qa.enqueue(Flaky::steps, 1000, 20L);
            assertThat(eventually(() -> steps.status() == JobStatus.STARTED)).isTrue();
            steps.cancel();
            assertThat(eventually(() -> steps.status() == JobStatus.STOPPED))
                    .as(steps.status().toString())
                    .isTrue();

            // retry-now.lua and delete.lua, on a failed job; run-now.lua on a scheduled one.
            Job<String> failing = qa.enqueue(Jobs::fail, "boom " + tag);
            assertThat(catchThrowable(() -> failing.await(WAIT))).isInstanceOf(JobFailedException.class);
            assertThat(admin.requeue(a, List.of(failing.id()))).isEqualTo(1);
            assertThat(eventually(() -> failing.status() == JobStatus.FAILED)).isTrue();
            assertThat(admin.delete(a, List.of(failing.id()))).isEqualTo(1);
            Job<Integer> scheduled = qa.in(Duration.ofHours(1)).enqueue(Jobs::add, 20, 22);
            assertThat(admin.runNow(a, scheduled.id())).isTrue();
            assertThat(scheduled.await(WAIT)).isEqualTo(42);

            // empty.lua on a paused queue.
            admin.pause(b);
            qb.enqueueAll(Jobs::square, List.of(1, 2, 3));
            assertThat(qb.size()).isEqualTo(3);
            assertThat(admin.empty(b)).isEqualTo(3);
            admin.resume(b);

            // partitions.lua, in partition 0's slot (one partition: more would live on other masters,
            // ClusterPartitionsIT's subject).
            admin.partitions(a, 1);
            assertThat(admin.partitions(a)).isEqualTo(1);

            // recurring-upsert.lua, recurring-due.lua and tick.lua (the workers' ticker),
            // recurring-trigger.lua, recurring-delete.lua.
            String every = "cs-every-" + tag;
            jrq.recurring()
                    .schedule(RecurringJob.builder(every)
                            .queue(b)
                            .every(Duration.ofMillis(200))
                            .call(Ticks::record, every)
                            .build());
            assertThat(eventually(() -> Ticks.runs(every).size() >= 2)).isTrue();
            assertThat(jrq.recurring().trigger(b, every)).isPresent();
            assertThat(jrq.recurring().delete(b, every)).isTrue();

            // reap.lua with a lease that expired, as if the worker running the job had died (an
            // in-process worker cannot die without giving its jobs back): the job's deadline in the
            // active set is moved to the past on its master. The reaper gives it back, the worker
            // leases it again as a suspect, and start.lua marks that run before it starts.
            // The job holds its run until the reaper has given it back: a fixed sleep could end first.
            String gate = "cs-reap-" + tag;
            Job<String> reaped = qb.enqueue(Gates::hold, gate);
            assertThat(eventually(() -> reaped.status() == JobStatus.STARTED)).isTrue();
            // The worker's heartbeat renews the deadline as often as the reaper runs, so one push
            // back may be undone before the reaper sees it: push it back until the reaper has, but
            // only while the job still holds the lease it had (an atomic check of its token). A
            // plain ZADD could land just after the reaper gave the job back and the worker leased it
            // again, expiring that next lease too: a second recovery, and a second start.lua.
            String jobKey = keys.job(b, reaped.id());
            String firstToken = masterB.execute("HGET", jobKey, "token");
            assertThat(firstToken).as("token of the first lease").isNotNull();
            assertThat(eventually(() -> {
                        if (masterB.execute("HGET", jobKey, "recoveries") != null) {
                            return true;
                        }
                        masterB.execute("EVAL", EXPIRE_LEASE, "2", jobKey, keys.active(b), reaped.id(), firstToken);
                        return false;
                    }))
                    .as("reap.lua gave back the job whose lease expired")
                    .isTrue();
            Gates.open(gate);
            assertThat(reaped.await(WAIT)).isEqualTo(gate);
            assertThat(masterB.execute("HGET", jobKey, "recoveries"))
                    .as("recoveries of the reaped job: only its first lease expired")
                    .isEqualTo("1");

            // unclaimed.lua: a worker with a short command timeout whose fetch behind its wait times
            // out while queue a's master sleeps; the loop then gives back what that fetch may have leased.
            try (Jrq impatient = Jrq.connect(JrqOptions.builder()
                            .url(cluster.url())
                            .commandTimeout(Duration.ofMillis(400))
                            .build());
                    Worker single = impatient
                            .worker(a)
                            .allowPackages("io.jrq.testjobs")
                            .handleSignals(false)
                            .shutdownGrace(Duration.ZERO)
                            .start()) {
                assertThat(qa.enqueue(Jobs::add, 3, 4).await(WAIT)).isEqualTo(7);
                Thread.sleep(300);
                masterA.execute("DEBUG", "SLEEP", "1.5");
                assertThat(eventually(() -> cached(masterA, Script.UNCLAIMED)))
                        .as("unclaimed.lua ran on " + masterA)
                        .isTrue();
                assertThat(qa.enqueue(Jobs::add, 4, 4).await(WAIT)).isEqualTo(8);
                assertThat(single.isRunning()).isTrue();
            }

            // requeue.lua: the worker stops while a job runs and gives it back.
            Job<Integer> leftOver = qb.enqueue(Flaky::steps, 1000, 20L);
            assertThat(eventually(() -> leftOver.status() == JobStatus.STARTED)).isTrue();
            both.close();
            assertThat(leftOver.status()).isIn(JobStatus.QUEUED, JobStatus.STOPPED);
        }
        long ranMs = System.currentTimeMillis() - started;

        // Where each script ran: only on the masters of the two queues, the per-queue ones on both.
        Map<Script, List<Integer>> where = new EnumMap<>(Script.class);
        for (Script s : Script.values()) {
            List<Integer> ports = new ArrayList<>();
            for (RedisServer m : cluster.nodes()) {
                if (cached(m, s)) {
                    ports.add(m.port());
                }
            }
            where.put(s, ports);
        }
        System.out.printf(
                "ClusterScriptsIT: queue %s on %d, queue %s on %d, none on %d; scripts by node %s; ran %d ms%n",
                a, masterA.port(), b, masterB.port(), other.port(), where, ranMs);
        List<String> notRun = new ArrayList<>();
        for (Script s : Script.values()) {
            if (NOT_ON_A_CLUSTER.containsKey(s)) {
                assertThat(where.get(s))
                        .as(s + " is not run on a cluster: " + NOT_ON_A_CLUSTER.get(s))
                        .isEmpty();
            } else if (where.get(s).isEmpty()) {
                notRun.add(s.name());
            }
            assertThat(where.get(s)).as(s + " ran only where the queues live").doesNotContain(other.port());
        }
        assertThat(notRun).as("scripts no step of this test exercised").isEmpty();
        for (Script s : List.of(
                Script.ENQUEUE,
                Script.FETCH,
                Script.RENEW,
                Script.REAP,
                Script.RECURRING_DUE,
                Script.DEPEND,
                Script.RELEASE)) {
            assertThat(where.get(s)).as(s + " ran in both queues").contains(masterA.port(), masterB.port());
        }

        // No CROSSSLOT on any node, and no script that failed (an error raised in a script, such as
        // a key outside its slot, fails its EVAL or EVALSHA): EVALSHA fails only with the NOSCRIPT
        // of a script's first call on a node.
        for (RedisServer m : cluster.nodes()) {
            Map<String, Long> grown = new TreeMap<>();
            for (Map.Entry<String, Long> e : stats(m).entrySet()) {
                long was = before.get(m).getOrDefault(e.getKey(), 0L);
                if (e.getValue() > was) {
                    grown.put(e.getKey(), e.getValue() - was);
                }
            }
            System.out.printf("ClusterScriptsIT: node %d, what grew during the test: %s%n", m.port(), grown);
            assertThat(grown).as("CROSSSLOT replies of " + m).doesNotContainKey("error CROSSSLOT");
            assertThat(grown.getOrDefault("evalsha failed_calls", 0L))
                    .as("EVALSHA calls of " + m + " that failed, against its NOSCRIPT replies: " + grown)
                    .isEqualTo(grown.getOrDefault("error NOSCRIPT", 0L));
            for (String k : List.of("eval failed_calls", "eval rejected_calls", "evalsha rejected_calls")) {
                assertThat(grown).as(k + " of " + m).doesNotContainKey(k);
            }
            // ERR: Lettuce sends CLIENT SETINFO lib-name and lib-ver right after the HELLO of each
            // connection it opens (shared, blocking, pub/sub, topology refresh); Redis before 7.2
            // does not know the subcommand and replies ERR twice per connection (measured: exactly
            // 2 per HELLO on 7.0.15). Lettuce ignores them. From 7.2 on there must be none. An ERR
            // a script caught with redis.pcall (such as "Script attempted to access keys that do
            // not hash to the same slot") would come on top.
            long setInfoErrors = knowsSetInfo(m) ? 0 : 2 * grown.getOrDefault("hello calls", 0L);
            assertThat(grown.getOrDefault("error ERR", 0L))
                    .as("ERR replies of " + m + " beyond those of CLIENT SETINFO (" + setInfoErrors + "): " + grown)
                    .isLessThanOrEqualTo(setInfoErrors);
            // WRONGTYPE: lib/full.lua's allowWhenFull, a ZREM that changes nothing, caught with
            // redis.pcall; start.lua gives it the job's hash, not a sorted set. Redis 7 counts an
            // error a script caught in errorstats too. start.lua runs only for a suspect, here the
            // one job the reaper gave back, on queue b's master.
            assertThat(grown.getOrDefault("error WRONGTYPE", 0L))
                    .as("WRONGTYPE replies of " + m + ", at most start.lua's one call on " + masterB.port() + ": "
                            + grown)
                    .isLessThanOrEqualTo(m.equals(masterB) ? 1L : 0L);
            Set<String> kinds = new TreeSet<>(grown.keySet());
            kinds.removeIf(k -> !k.startsWith("error "));
            kinds.removeAll(List.of("error NOSCRIPT", "error ERR", "error WRONGTYPE"));
            assertThat(kinds).as("other error replies of " + m + ": " + grown).isEmpty();
        }
    }

    /** A queue name, from {@code base}, whose hash tag lands on {@code master}. */
    private static String queueOn(RedisCluster cluster, RedisServer master, String base) {
        for (int i = 0; ; i++) {
            String q = base + i;
            if (cluster.masterOf("{" + q + "}").equals(master)) {
                return q;
            }
        }
    }

    /** Whether {@code node} knows {@code CLIENT SETINFO}: Redis 7.2 and later. */
    private static boolean knowsSetInfo(RedisServer node) {
        String[] version =
                Resp.infoField(node.execute("INFO", "server"), "redis_version").split("\\.");
        int major = Integer.parseInt(version[0]);
        return major > 7 || (major == 7 && Integer.parseInt(version[1]) >= 2);
    }

    private static boolean cached(RedisServer node, Script script) {
        return "1".equals(node.execute("SCRIPT", "EXISTS", script.sha()));
    }

    /**
     * The counters the test compares: {@code INFO errorstats} as {@code "error <kind>"} (from
     * {@code errorstat_CROSSSLOT:count=3}), and from {@code INFO commandstats} the failed and rejected
     * calls of EVAL and EVALSHA ({@code "evalsha failed_calls"}) and the calls of HELLO.
     */
    private static Map<String, Long> stats(RedisServer node) {
        Map<String, Long> out = new TreeMap<>();
        for (String line : node.execute("INFO", "errorstats").split("\r?\n")) {
            if (line.startsWith("errorstat_")) {
                String kind = line.substring("errorstat_".length(), line.indexOf(':'));
                out.put(
                        "error " + kind,
                        Long.parseLong(
                                line.substring(line.indexOf("count=") + 6).trim()));
            }
        }
        for (String line : node.execute("INFO", "commandstats").split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon < 0 || !line.startsWith("cmdstat_")) {
                continue;
            }
            String command = line.substring("cmdstat_".length(), colon);
            if (!List.of("eval", "evalsha", "hello").contains(command)) {
                continue;
            }
            for (String field : line.substring(colon + 1).trim().split(",")) {
                String[] kv = field.split("=");
                if (kv[0].equals("calls") || kv[0].equals("failed_calls") || kv[0].equals("rejected_calls")) {
                    out.put(command + " " + kv[0], Long.parseLong(kv[1]));
                }
            }
        }
        return out;
    }

    private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}
