package io.jrq.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.jrq.Durability;
import io.jrq.EnqueueOptions;
import io.jrq.EnqueueUnknownException;
import io.jrq.Jrq;
import io.jrq.JrqException;
import io.jrq.NotDurableException;
import io.jrq.Queue;
import io.jrq.Worker;
import io.jrq.internal.Keys;
import io.jrq.testkit.RedisCluster;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * On a Redis Cluster of three masters with one replica each, the master of a queue's slot is killed
 * with SIGKILL while a producer enqueues numbered jobs into that queue at a steady rate through a
 * {@code redis-cluster://} URL and a worker runs them: both carry on by themselves once the other
 * masters have failed the dead one over to its replica, without being restarted, as soon as the
 * client's topology refresh has seen the new master. Replication is asynchronous, so with the
 * default durability a job whose enqueue was acknowledged just before the kill may be missing on
 * the new master (counted and reported); with {@code Durability.replicas(1, ...)} none may be: the
 * one replica that confirmed it is the one promoted. (After the failover the new master has no
 * replica, so those enqueues are stored but reported not durable.) Every job the new master has
 * ends FINISHED, none is left STARTED past its lease, and a job runs twice only when its lease was
 * taken over.
 */
class ClusterFailoverIT {
    private static final Duration LEASE = Duration.ofSeconds(5);
    private static final Duration REAP = Duration.ofMillis(500);
    private static final long PERIOD_MS = 10;
    private static final long BEFORE_KILL_MS = 3000;
    private static final long AFTER_FAILOVER_MS = 3000;
    private static final Duration FAILOVER_TIMEOUT = Duration.ofSeconds(30);
    /** How long a durable enqueue waits for its replica: after the failover the new master has none. */
    private static final Duration REPLICA_WAIT = Duration.ofMillis(500);
    /** From the producer's stop: a lease taken over after the failover (lease + reap) and the jobs' tail fit in it. */
    private static final Duration DRAIN_TIMEOUT = LEASE.plus(REAP).plusSeconds(10);
    /**
     * The client's topology refresh (at most 1 s after the failover, see Redis), the fetch loop's
     * longest backoff (2 s) and a loaded machine's delays; the command timeout is 10 s, and Lettuce's
     * default refresh would follow only after 30 s.
     */
    private static final long RESUME_BOUND_MS = 5000;

    @Test
    void defaultDurabilityCarriesOnAndCountsLostEnqueues() throws Exception {
        Figures f = failover(Durability.none());
        // Asynchronous replication may lose the last acknowledged writes; the number is reported.
        assertThat(f.lostAcked).as("lost acknowledged enqueues").isLessThanOrEqualTo(f.acked);
    }

    @Test
    void replicaDurabilityLosesNoAcknowledgedEnqueue() throws Exception {
        Figures f = failover(Durability.replicas(1, REPLICA_WAIT));
        assertThat(f.lostAcked)
                .as("acknowledged enqueues missing on the new master with replicas(1)")
                .isZero();
    }

    /** What one run measured. */
    private record Figures(int acked, int lostAcked) {}

    private enum Outcome {
        ACKED,
        NOT_DURABLE,
        UNKNOWN,
        NOT_STORED
    }

    /** One enqueue call of the producer. */
    private record Sent(String id, long startedAt, long endedAt, Outcome outcome, String error) {}

    private Figures failover(Durability durability) throws Exception {
        long testStart = System.currentTimeMillis();
        String queue = "cluster-" + UUID.randomUUID().toString().substring(0, 8);
        String slotKey = "{" + queue + "}";
        Keys keys = new Keys("jrq");
        try (RedisCluster redis = RedisCluster.start(3, 1);
                Jrq workerSide = Jrq.connect(redis.url());
                Jrq client = Jrq.connect(redis.url())) {
            Worker worker = workerSide
                    .worker(queue)
                    .allowPackages("io.jrq.fault")
                    .concurrency(4)
                    .leaseDuration(LEASE)
                    .reapInterval(REAP)
                    .shutdownGrace(Duration.ofSeconds(2))
                    .handleSignals(false)
                    .start();
            List<Sent> sent = new ArrayList<>();
            Producer producer = new Producer(client.queue(queue), queue, durability, sent);
            Thread producing = new Thread(producer, "producer-" + queue);
            try {
                producing.start();
                Thread.sleep(BEFORE_KILL_MS);

                RedisServer old = redis.killMasterOf(slotKey);
                long killedAt = System.currentTimeMillis();
                RedisServer now = redis.awaitFailover(slotKey, old, FAILOVER_TIMEOUT);
                long failedOverAt = System.currentTimeMillis();
                Thread.sleep(AFTER_FAILOVER_MS);
                producer.stop();
                producing.join(30_000);
                assertThat(producing.isAlive()).as("producer still running").isFalse();
                long stoppedAt = System.currentTimeMillis();

                List<Sent> calls;
                synchronized (sent) {
                    calls = List.copyOf(sent);
                }
                Map<String, JobStates.State> stored = JobStates.awaitStoredFinished(
                        now, keys, queue, calls.stream().map(Sent::id).toList(), DRAIN_TIMEOUT);
                long allDoneAt = System.currentTimeMillis();

                int acked = 0;
                int lostAcked = 0;
                int notDurable = 0;
                int unknown = 0;
                int notStored = 0;
                int notStoredButThere = 0;
                int lostNotDurable = 0;
                // Stored: acknowledged, or (a durable enqueue) stored without its replica's confirmation.
                long firstStoredAfterKill = -1;
                long firstAckAfterKill = -1;
                for (Sent s : calls) {
                    boolean there = stored.get(s.id()).status() != null;
                    boolean storedCall = s.outcome() == Outcome.ACKED || s.outcome() == Outcome.NOT_DURABLE;
                    if (storedCall && s.startedAt() >= killedAt && firstStoredAfterKill < 0) {
                        firstStoredAfterKill = s.endedAt() - killedAt;
                    }
                    switch (s.outcome()) {
                        case ACKED -> {
                            acked++;
                            if (s.startedAt() >= killedAt && firstAckAfterKill < 0) {
                                firstAckAfterKill = s.endedAt() - killedAt;
                            }
                            if (!there) {
                                lostAcked++;
                            }
                        }
                        case NOT_DURABLE -> {
                            notDurable++;
                            if (!there) {
                                lostNotDurable++;
                            }
                        }
                        case UNKNOWN -> unknown++;
                        case NOT_STORED -> {
                            notStored++;
                            if (there) {
                                notStoredButThere++;
                            }
                        }
                    }
                }
                long firstFinishAfterKill = stored.values().stream()
                                .mapToLong(JobStates.State::endedAt)
                                .filter(t -> t > killedAt)
                                .min()
                                .orElse(-1)
                        - killedAt;
                int tookOver = 0;
                int ranTwice = 0;
                int ranTwiceAfterTakeover = 0;
                int leaseLostWithMaster = 0;
                int finished = 0;
                for (Map.Entry<String, JobStates.State> e : stored.entrySet()) {
                    JobStates.State st = e.getValue();
                    if (st.status() == null) {
                        continue;
                    }
                    finished++;
                    boolean takenOver = st.recoveries() > 0 || st.attempts() > 1;
                    if (takenOver) {
                        tookOver++;
                    }
                    AtomicInteger runs = FaultJobs.RUNS.get(e.getKey());
                    if (runs != null && runs.get() > 1) {
                        String leases = now.execute("HGET", keys.job(queue, e.getKey()), "leases");
                        if (takenOver) {
                            ranTwiceAfterTakeover++;
                        } else if (runs.get() > (leases == null ? 0 : Integer.parseInt(leases))) {
                            // More runs than the new master counts leases: a lease written on the
                            // killed master was lost with it (asynchronous replication), so the job
                            // was leased again from the state the replica had, as after a takeover.
                            leaseLostWithMaster++;
                        } else {
                            ranTwice++;
                        }
                    }
                }

                System.out.printf(
                        "ClusterFailoverIT (durability %s): enqueue calls=%d acked=%d notDurable=%d unknown=%d"
                                + " notStored=%d lostAcked=%d lostNotDurable=%d finished=%d; failover %d ms after the kill;"
                                + " first stored enqueue sent after the kill %d ms (acknowledged %d ms), first job finished %d ms"
                                + " after the kill; leases taken over=%d, ran twice after a takeover=%d, after a lease lost with the"
                                + " killed master=%d, otherwise=%d;"
                                + " all done %d ms after the producer stopped; run %d ms%n",
                        durability,
                        calls.size(),
                        acked,
                        notDurable,
                        unknown,
                        notStored,
                        lostAcked,
                        lostNotDurable,
                        finished,
                        failedOverAt - killedAt,
                        firstStoredAfterKill,
                        firstAckAfterKill,
                        firstFinishAfterKill,
                        tookOver,
                        ranTwiceAfterTakeover,
                        leaseLostWithMaster,
                        ranTwice,
                        allDoneAt - stoppedAt,
                        System.currentTimeMillis() - testStart);
                // The calls the kill cut into or that came right after it: how long each waited, and how it ended.
                calls.stream()
                        .filter(s -> s.endedAt() >= killedAt)
                        .limit(3)
                        .forEach(s -> System.out.println("  around the kill: " + s.outcome() + " " + s.id()
                                + " sent " + (s.startedAt() - killedAt) + " ms after the kill, took "
                                + (s.endedAt() - s.startedAt()) + " ms" + (s.error() == null ? "" : ": " + s.error())));
                calls.stream()
                        .filter(s -> s.outcome() != Outcome.ACKED)
                        .limit(5)
                        .forEach(s -> System.out.println("  " + s.outcome() + " " + s.id() + " after "
                                + (s.endedAt() - s.startedAt()) + " ms: " + s.error()));

                assertThat(firstStoredAfterKill)
                        .as("the producer's enqueues resume on the new master")
                        .isPositive();
                assertThat(firstFinishAfterKill)
                        .as("the worker finishes jobs on the new master")
                        .isPositive();
                assertThat(firstStoredAfterKill - (failedOverAt - killedAt))
                        .as("ms from the failover to the producer's first stored enqueue")
                        .isLessThan(RESUME_BOUND_MS);
                assertThat(firstFinishAfterKill - (failedOverAt - killedAt))
                        .as("ms from the failover to the first job the worker finished")
                        .isLessThan(RESUME_BOUND_MS);
                assertThat(notStoredButThere)
                        .as("enqueues reported as not stored that the new master has")
                        .isZero();
                assertThat(ranTwice)
                        .as("jobs that ran twice without their lease being taken over")
                        .isZero();
                assertThat(now.execute("ZCARD", keys.active(queue)))
                        .as("jobs still leased")
                        .isEqualTo("0");
                assertThat(worker.isRunning()).isTrue();
                return new Figures(acked, lostAcked);
            } finally {
                producer.stop();
                producing.join(30_000);
                worker.close();
            }
        }
    }

    /** Enqueues numbered jobs every {@value #PERIOD_MS} ms, one call at a time, and notes how each call ended. */
    private static final class Producer implements Runnable {
        private final Queue queue;
        private final String name;
        private final Durability durability;
        private final List<Sent> sent;
        private volatile boolean running = true;

        Producer(Queue queue, String name, Durability durability, List<Sent> sent) {
            this.queue = queue;
            this.name = name;
            this.durability = durability;
            this.sent = sent;
        }

        void stop() {
            running = false;
        }

        @Override
        public void run() {
            long next = System.currentTimeMillis();
            for (int n = 0; running; n++) {
                String id = name + "-" + n;
                EnqueueOptions options = EnqueueOptions.builder()
                        .jobId(id)
                        .durability(durability)
                        .build();
                long started = System.currentTimeMillis();
                Outcome outcome;
                String error = null;
                try {
                    queue.with(options).enqueue(FaultJobs::brief, "n" + n);
                    outcome = Outcome.ACKED;
                } catch (NotDurableException e) {
                    outcome = Outcome.NOT_DURABLE;
                    error = e.getMessage();
                } catch (EnqueueUnknownException e) {
                    outcome = Outcome.UNKNOWN;
                    error = e.getMessage();
                } catch (JrqException e) {
                    outcome = Outcome.NOT_STORED;
                    error = e.getClass().getSimpleName() + ": " + e.getMessage();
                }
                long ended = System.currentTimeMillis();
                synchronized (sent) {
                    sent.add(new Sent(id, started, ended, outcome, error));
                }
                // A steady rate: calls that waited out the failover are not made up for in a burst.
                next = Math.max(next + PERIOD_MS, ended);
                long pause = next - System.currentTimeMillis();
                if (pause > 0) {
                    try {
                        Thread.sleep(pause);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }
}
