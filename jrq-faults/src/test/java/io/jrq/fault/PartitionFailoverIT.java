package io.jrq.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrq.Job;
import io.jrq.Jrq;
import io.jrq.JrqException;
import io.jrq.Worker;
import io.jrq.internal.Keys;
import io.jrq.testkit.RedisCluster;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A queue with three partitions, one on each master of a 3-master cluster with a replica each; the
 * master of one partition is killed with SIGKILL while three producer threads enqueue numbered jobs
 * into the queue at a steady rate (with generated ids, so each may go to any partition) and a worker runs them. What a partitioned queue should give: the other two
 * partitions go on being served while the third fails over, the killed partition resumes once its
 * replica took over, and every job the servers have ends FINISHED, a job running twice only when its
 * lease was taken over. Counted and printed: jobs finished in the surviving partitions during the
 * outage, enqueues acknowledged in that time, acknowledged enqueues lost (default durability,
 * asynchronous replication), time to resume.
 */
class PartitionFailoverIT {
    private static final Duration LEASE = Duration.ofSeconds(5);
    /**
     * Producer threads, each enqueueing every {@value #PERIOD_MS} ms: a call in flight to the killed
     * master when it dies waits out the failover (as any caller's would), so one thread alone could
     * show a stalled queue where only that call stalled; the others go on as an application's
     * request threads would.
     */
    private static final int PRODUCERS = 3;

    private static final long PERIOD_MS = 30;
    private static final long BEFORE_KILL_MS = 3000;
    private static final long AFTER_FAILOVER_MS = 3000;
    private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(20);

    /** One enqueue call: its id, where it went (null when it failed), and when it ended. */
    private record Sent(String id, String partition, long startedAt, long endedAt, String error) {}

    @Test
    void theOtherPartitionsRunOnWhileOneFailsOver() throws Exception {
        String queue = "pfail-" + UUID.randomUUID().toString().substring(0, 8);
        Keys keys = new Keys("jrq");
        try (RedisCluster redis = RedisCluster.start(3, 1);
                Jrq workerSide = Jrq.connect(redis.url());
                Jrq client = Jrq.connect(redis.url())) {
            // By default a cluster refuses every command while a slot has no master (CLUSTERDOWN, from
            // the moment the others mark the killed one failed until its replica takes over): the
            // other partitions could not run then. PROTOCOL.md says to turn it off for partitions.
            for (RedisServer node : redis.nodes()) {
                node.execute("CONFIG", "SET", "cluster-require-full-coverage", "no");
            }
            client.admin().partitions(queue, 3);
            List<String> partitions = List.of(redis.masterOf("{" + queue + "}")
                    .execute("HGET", keys.partitions(queue), "names")
                    .split(","));
            Set<Integer> masters = new HashSet<>();
            partitions.forEach(p -> masters.add(redis.masterOf("{" + p + "}").port()));
            assertThat(masters).as("one partition per master: " + partitions).hasSize(3);
            String victim = partitions.get(1);

            Worker worker = workerSide
                    .worker(queue)
                    .allowPackages("io.jrq.fault")
                    .concurrency(8)
                    .leaseDuration(LEASE)
                    .reapInterval(Duration.ofMillis(500))
                    .shutdownGrace(Duration.ofSeconds(2))
                    .handleSignals(false)
                    .start();
            List<Sent> sent = new ArrayList<>();
            List<Thread> producers = new ArrayList<>();
            for (int t = 0; t < PRODUCERS; t++) {
                String name = "p" + t + "-";
                producers.add(new Thread(() -> produce(client, queue, name, sent), "producer-" + t + "-" + queue));
            }
            long killedAt;
            long failedOverAt;
            try {
                producers.forEach(Thread::start);
                Thread.sleep(BEFORE_KILL_MS);
                RedisServer old = redis.killMasterOf("{" + victim + "}");
                killedAt = System.currentTimeMillis();
                redis.awaitFailover("{" + victim + "}", old, FAILOVER_TIMEOUT);
                failedOverAt = System.currentTimeMillis();
                Thread.sleep(AFTER_FAILOVER_MS);
            } finally {
                producers.forEach(Thread::interrupt);
                for (Thread producer : producers) {
                    producer.join(30_000);
                }
            }
            List<Sent> calls;
            synchronized (sent) {
                calls = List.copyOf(sent);
            }
            Map<String, List<String>> acked = new HashMap<>();
            int failed = 0;
            for (Sent s : calls) {
                if (s.partition() == null) {
                    failed++;
                } else {
                    acked.computeIfAbsent(s.partition(), p -> new ArrayList<>()).add(s.id());
                }
            }
            Map<String, JobStates.State> states = new HashMap<>();
            for (Map.Entry<String, List<String>> e : acked.entrySet()) {
                RedisServer master = redis.masterOf("{" + e.getKey() + "}");
                states.putAll(JobStates.awaitStoredFinished(master, keys, e.getKey(), e.getValue(), DRAIN_TIMEOUT));
            }
            worker.close();

            long okInOutage = calls.stream()
                    .filter(s -> s.partition() != null && s.endedAt() > killedAt && s.endedAt() < failedOverAt)
                    .count();
            long finishedElsewhereInOutage = 0;
            long firstVictimFinishAfterKill = Long.MAX_VALUE;
            int lost = 0;
            int ranTwice = 0;
            int leaseLostWithMaster = 0;
            for (Map.Entry<String, List<String>> e : acked.entrySet()) {
                for (String id : e.getValue()) {
                    JobStates.State st = states.get(id);
                    if (st.status() == null) {
                        lost++;
                        continue;
                    }
                    boolean inOutage = st.endedAt() > killedAt && st.endedAt() < failedOverAt;
                    if (!e.getKey().equals(victim) && inOutage) {
                        finishedElsewhereInOutage++;
                    }
                    if (e.getKey().equals(victim) && st.endedAt() > killedAt) {
                        firstVictimFinishAfterKill = Math.min(firstVictimFinishAfterKill, st.endedAt() - killedAt);
                    }
                    AtomicInteger runs = FaultJobs.RUNS.get(id);
                    if (runs != null && runs.get() > 1 && st.recoveries() == 0 && st.attempts() <= 1) {
                        // More runs than the new master counts leases: a lease written on the killed
                        // master was lost with it (asynchronous replication), so the job was leased
                        // again from the state the replica had, as after a takeover. Only the killed
                        // partition can lose a write.
                        String leases = redis.masterOf("{" + e.getKey() + "}")
                                .execute("HGET", keys.job(e.getKey(), id), "leases");
                        if (e.getKey().equals(victim) && runs.get() > (leases == null ? 0 : Integer.parseInt(leases))) {
                            leaseLostWithMaster++;
                        } else {
                            ranTwice++;
                        }
                    }
                }
            }
            System.out.printf(
                    "PartitionFailoverIT: partitions %s, killed the master of %s; failover %d ms after the kill;"
                            + " enqueue calls=%d acknowledged=%d failed=%d, acknowledged during the outage=%d;"
                            + " jobs of the other partitions finished during the outage=%d; first job of the killed"
                            + " partition finished %d ms after the kill; acknowledged but lost=%d; ran twice without a takeover=%d;"
                            + " ran again because the killed master lost their lease=%d%n",
                    partitions,
                    victim,
                    failedOverAt - killedAt,
                    calls.size(),
                    calls.size() - failed,
                    failed,
                    okInOutage,
                    finishedElsewhereInOutage,
                    firstVictimFinishAfterKill,
                    lost,
                    ranTwice,
                    leaseLostWithMaster);
            calls.stream()
                    .filter(c -> c.error() != null)
                    .limit(3)
                    .forEach(c -> System.out.println("  failed " + (c.startedAt() - killedAt)
                            + " ms after the kill, took " + (c.endedAt() - c.startedAt()) + " ms: " + c.error()));
            assertThat(finishedElsewhereInOutage)
                    .as("jobs of the surviving partitions finished while the third failed over")
                    .isPositive();
            assertThat(okInOutage)
                    .as("enqueues acknowledged while the third partition failed over")
                    .isPositive();
            assertThat(firstVictimFinishAfterKill)
                    .as("the killed partition resumes after its failover")
                    .isLessThan(Long.MAX_VALUE);
            assertThat(ranTwice)
                    .as("jobs that ran twice without a lease taken over")
                    .isZero();
            assertThat(lost).as("acknowledged but lost").isLessThanOrEqualTo(calls.size());
        }
    }

    /** Enqueues numbered jobs every {@value #PERIOD_MS} ms, one call at a time, until interrupted. */
    private static void produce(Jrq client, String queue, String label, List<Sent> sent) {
        long next = System.currentTimeMillis();
        for (int n = 0; !Thread.currentThread().isInterrupted(); n++) {
            String id = null;
            long started = System.currentTimeMillis();
            String partition = null;
            String error = null;
            try {
                // A generated id: the producer may place the job in any partition that is up.
                Job<String> j = client.queue(queue).enqueue(FaultJobs::brief, label + n);
                id = j.id();
                partition = j.queue();
            } catch (JrqException e) {
                error = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            long ended = System.currentTimeMillis();
            synchronized (sent) {
                sent.add(new Sent(id, partition, started, ended, error));
            }
            next = Math.max(next + PERIOD_MS, ended);
            long pause = next - System.currentTimeMillis();
            if (pause > 0) {
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
