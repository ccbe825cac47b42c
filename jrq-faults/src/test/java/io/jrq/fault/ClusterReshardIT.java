package io.jrq.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.jrq.EnqueueOptions;
import io.jrq.Job;
import io.jrq.Jrq;
import io.jrq.JrqException;
import io.jrq.JrqOptions;
import io.jrq.Queue;
import io.jrq.Worker;
import io.jrq.internal.Keys;
import io.jrq.testkit.RedisCluster;
import io.jrq.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The slot of a busy queue is moved between the masters of a 3-master Redis Cluster, three times,
 * with the steps of a live resharding ({@link RedisCluster#moveSlot}: {@code SETSLOT IMPORTING} and
 * {@code MIGRATING}, {@code MIGRATE} in small batches with a pause, {@code SETSLOT NODE}), while a
 * producer enqueues numbered jobs at a steady rate through a {@code redis-cluster://} URL and a
 * worker runs them. While the slot migrates, every jrq script in it (several keys of one slot, some
 * already moved, or missing on the target) is answered with {@code TRYAGAIN}, and single-key
 * commands with {@code ASK}; once it has moved, with {@code MOVED}. Neither client is restarted.
 *
 * <p>Every acknowledged job ends FINISHED, none is lost or left queued or leased, a job runs twice
 * only when its lease was taken over (counted), and no enqueue or fetch fails with {@code TRYAGAIN}:
 * a refused script call is sent again while the slot migrates, so the queue's calls wait for the
 * migration's end (the producer and the worker stall for about as long as a move takes). The
 * figures (jobs, the time each move took, the longest stall of the producer and of the worker, the
 * errors each saw, the masters' error replies, duplicates) are printed. A second test leaves a slot
 * half migrated: a call waits, and fails as not stored only past half the command timeout.
 */
class ClusterReshardIT {
    private static final Duration LEASE = Duration.ofSeconds(5);
    private static final Duration REAP = Duration.ofMillis(500);
    private static final long PERIOD_MS = 10;
    private static final long BEFORE_FIRST_MOVE_MS = 3000;
    private static final long BETWEEN_MOVES_MS = 2000;
    /** Small batches with a pause: the slot of a queue with a few hundred keys takes about a second to move. */
    private static final int KEYS_PER_BATCH = 10;

    private static final long PAUSE_PER_BATCH_MS = 10;
    /** Tries of one job's enqueue (the same id, so a retry after a lost reply is safe) before the producer gives up. */
    private static final int ENQUEUE_TRIES = 5;
    /** From the producer's stop: a lease taken over (lease + reap) and the jobs' tail fit in it. */
    private static final Duration DRAIN_TIMEOUT = LEASE.plus(REAP).plusSeconds(10);

    /** One job of the producer: every try of its enqueue, and whether one was acknowledged. */
    private record Sent(String id, long startedAt, long endedAt, boolean acked, int tries, List<String> errors) {}

    /**
     * One move of the slot, with the wall-clock times it began and ended, and the masters' error
     * replies by kind while it migrated and from its end to the next move (or the producer's stop).
     */
    private record Move(
            String from,
            String to,
            int keys,
            long startedAt,
            long endedAt,
            Map<String, Long> during,
            Map<String, Long> after) {
        long millis() {
            return endedAt - startedAt;
        }
    }

    @Test
    void jobsCarryOnWhileTheirSlotMovesBetweenMasters() throws Exception {
        long testStart = System.currentTimeMillis();
        String queue = "reshard-" + UUID.randomUUID().toString().substring(0, 8);
        Keys keys = new Keys("jrq");
        WarnCounter warnings = WarnCounter.attach();
        try (RedisCluster cluster = RedisCluster.start(3);
                Jrq workerSide = Jrq.connect(cluster.url());
                Jrq client = Jrq.connect(cluster.url())) {
            String tag = "{" + queue + "}";
            int slot = cluster.slotOfKey(tag);
            RedisServer first = cluster.masterOf(tag);
            List<RedisServer> others = new ArrayList<>(cluster.masters());
            others.remove(first);
            // Away, on to the third master, and back home.
            List<RedisServer> route = List.of(others.get(0), others.get(1), first);

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
            Producer producer = new Producer(client.queue(queue), queue, sent);
            Thread producing = new Thread(producer, "producer-" + queue);
            List<Move> moves = new ArrayList<>();
            try {
                producing.start();
                Thread.sleep(BEFORE_FIRST_MOVE_MS);
                for (RedisServer to : route) {
                    RedisServer from = cluster.masterOf(tag);
                    Map<String, Long> before = errorReplies(cluster.masters());
                    long started = System.currentTimeMillis();
                    int moved = cluster.moveSlot(slot, to, KEYS_PER_BATCH, PAUSE_PER_BATCH_MS);
                    long ended = System.currentTimeMillis();
                    Map<String, Long> atEnd = errorReplies(cluster.masters());
                    assertThat(cluster.masterOf(tag))
                            .as("master of slot %d after a move", slot)
                            .isSameAs(to);
                    Thread.sleep(BETWEEN_MOVES_MS);
                    moves.add(new Move(
                            address(from),
                            address(to),
                            moved,
                            started,
                            ended,
                            minus(atEnd, before),
                            minus(errorReplies(cluster.masters()), atEnd)));
                }
                producer.stop();
                producing.join(30_000);
                assertThat(producing.isAlive()).as("producer still running").isFalse();
                long stoppedAt = System.currentTimeMillis();

                List<Sent> jobs;
                synchronized (sent) {
                    jobs = List.copyOf(sent);
                }
                RedisServer last = cluster.masterOf(tag);
                Map<String, JobStates.State> stored = JobStates.awaitStoredFinished(
                        last, keys, queue, jobs.stream().map(Sent::id).toList(), DRAIN_TIMEOUT);
                long allDoneAt = System.currentTimeMillis();

                int acked = 0;
                int lostAcked = 0;
                int notAcked = 0;
                int notAckedButStored = 0;
                int retriedEnqueues = 0;
                int failedTries = 0;
                Map<String, Integer> enqueueErrors = new TreeMap<>();
                for (Sent s : jobs) {
                    boolean there = stored.get(s.id()).status() != null;
                    if (s.acked()) {
                        acked++;
                        if (!there) {
                            lostAcked++;
                        }
                    } else {
                        notAcked++;
                        if (there) {
                            notAckedButStored++;
                        }
                    }
                    if (s.tries() > 1) {
                        retriedEnqueues++;
                    }
                    failedTries += s.errors().size();
                    s.errors().forEach(e -> enqueueErrors.merge(kind(e), 1, Integer::sum));
                }
                int finished = 0;
                int tookOver = 0;
                int ranTwiceAfterTakeover = 0;
                int ranTwice = 0;
                int neverRan = 0;
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
                    if (runs == null) {
                        neverRan++;
                    } else if (runs.get() > 1) {
                        if (takenOver) {
                            ranTwiceAfterTakeover++;
                        } else {
                            ranTwice++;
                        }
                    }
                }

                Map<String, Long> replies = errorReplies(cluster.masters());
                StringBuilder perMove = new StringBuilder();
                for (Move m : moves) {
                    perMove.append(String.format(
                            "%n  move %s -> %s: %d keys in %d ms; longest enqueue call %d ms,"
                                    + " longest time without a finished job %d ms; error replies while it"
                                    + " migrated %s, in the %d ms after %s",
                            m.from(),
                            m.to(),
                            m.keys(),
                            m.millis(),
                            longestCall(jobs, m),
                            longestGap(stored, m),
                            m.during(),
                            BETWEEN_MOVES_MS,
                            m.after()));
                }
                System.out.printf(
                        "ClusterReshardIT (%s, slot %d): jobs=%d acked=%d notAcked=%d (stored anyway %d)"
                                + " lostAcked=%d finished=%d; enqueues retried=%d, failed tries=%d %s;"
                                + " leases taken over=%d, ran twice after a takeover=%d, otherwise=%d;"
                                + " worker and client warnings %s; error replies of the masters %s;"
                                + " all done %d ms after the producer stopped;"
                                + " run %d ms%s%n",
                        last.version(),
                        slot,
                        jobs.size(),
                        acked,
                        notAcked,
                        notAckedButStored,
                        lostAcked,
                        finished,
                        retriedEnqueues,
                        failedTries,
                        enqueueErrors,
                        tookOver,
                        ranTwiceAfterTakeover,
                        ranTwice,
                        warnings.counts(),
                        replies,
                        allDoneAt - stoppedAt,
                        System.currentTimeMillis() - testStart,
                        perMove);
                jobs.stream()
                        .filter(s -> !s.errors().isEmpty())
                        .limit(5)
                        .forEach(s -> System.out.println("  " + s.id() + " acked=" + s.acked() + " after "
                                + (s.endedAt() - s.startedAt()) + " ms: " + s.errors()));
                warnings.examples().forEach(w -> System.out.println("  warning: " + w));

                assertThat(lostAcked)
                        .as("acknowledged jobs the cluster does not have")
                        .isZero();
                assertThat(notAcked)
                        .as("jobs whose enqueue failed %d times", ENQUEUE_TRIES)
                        .isZero();
                assertThat(neverRan).as("FINISHED jobs whose handler never ran").isZero();
                assertThat(ranTwice)
                        .as("jobs that ran twice without their lease being taken over")
                        .isZero();
                // The scripts are refused with TRYAGAIN for as long as the slot migrates; jrq waits
                // that out instead of failing the call.
                assertThat(enqueueErrors.keySet()).as("errors of enqueue calls").noneMatch(k -> k.contains("TRYAGAIN"));
                assertThat(warnings.counts().keySet())
                        .as("warnings of the worker and the client")
                        .noneMatch(k -> k.contains("TRYAGAIN"));
                assertThat(last.execute("ZCARD", keys.active(queue)))
                        .as("jobs still leased")
                        .isEqualTo("0");
                assertThat(last.execute("LLEN", keys.ready(queue)))
                        .as("jobs still ready")
                        .isEqualTo("0");
                assertThat(worker.isRunning()).isTrue();
            } finally {
                producer.stop();
                producing.join(30_000);
                worker.close();
            }
        } finally {
            warnings.detach();
        }
    }

    /**
     * While a slot stays half migrated (its ready list moved, the rest not), an enqueue waits
     * instead of failing, and completes once the migration ends; past half the command timeout it
     * fails with the refusal, as not stored, and the same id can be enqueued again.
     */
    @Test
    void aCallWaitsOutAMigrationAndFailsPastHalfTheCommandTimeout() throws Exception {
        String queue = "tryagain-" + UUID.randomUUID().toString().substring(0, 8);
        String tag = "{" + queue + "}";
        Keys keys = new Keys("jrq");
        try (RedisCluster cluster = RedisCluster.start(2);
                Jrq client = Jrq.connect(cluster.url());
                Jrq impatient = Jrq.connect(JrqOptions.builder()
                        .url(cluster.url())
                        .commandTimeout(Duration.ofSeconds(1))
                        .build())) {
            Queue q = client.queue(queue);
            for (int i = 0; i < 3; i++) {
                q.enqueue(FaultJobs::brief, "before-" + i);
            }
            int slot = cluster.slotOfKey(tag);
            RedisServer home = cluster.masterOf(tag);
            RedisServer away = cluster.masters().stream()
                    .filter(m -> m != home)
                    .findFirst()
                    .orElseThrow();

            openMigration(slot, home, away, keys.ready(queue));
            long sentAt = System.nanoTime();
            CompletableFuture<Job<String>> waiting = q.with(
                            EnqueueOptions.builder().jobId(queue + "-waits").build())
                    .enqueueAsync(x -> x.enqueue(FaultJobs::brief, "waits"));
            Thread.sleep(300);
            assertThat(waiting).as("an enqueue while the slot migrates").isNotDone();
            cluster.moveSlot(slot, away, 100, 0);
            Job<String> stored = waiting.get(10, TimeUnit.SECONDS);
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt);
            assertThat(stored.id()).isEqualTo(queue + "-waits");
            assertThat(away.execute("HEXISTS", keys.queued(queue), queue + "-waits"))
                    .as("the job stored on the slot's new master")
                    .isEqualTo("1");

            openMigration(slot, away, home, keys.ready(queue));
            long failingAt = System.nanoTime();
            Queue quick = impatient.queue(queue);
            Throwable refused = catchThrowable(() -> quick.with(
                            EnqueueOptions.builder().jobId(queue + "-refused").build())
                    .enqueue(FaultJobs::brief, "refused"));
            long refusedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - failingAt);
            cluster.moveSlot(slot, home, 100, 0);
            System.out.printf(
                    "ClusterReshardIT: an enqueue sent while the slot was half migrated waited %d ms and was stored"
                            + " when the migration ended; one with a command timeout of 1 s failed after %d ms: %s%n",
                    waitedMs, refusedMs, refused);
            assertThat(refused)
                    .as("an enqueue while the slot stays half migrated")
                    .isInstanceOf(JrqException.class)
                    .isNotInstanceOf(io.jrq.EnqueueUnknownException.class)
                    .hasMessageContaining("TRYAGAIN")
                    .hasMessageContaining("was not stored");
            // Retried for half the command timeout (0.5 s) after the first refusal, then failed.
            assertThat(refusedMs).as("ms until the refused enqueue failed").isBetween(450L, 5000L);
            assertThat(q.job(queue + "-refused")).as("the refused job").isEmpty();
            assertThat(q.with(EnqueueOptions.builder().jobId(queue + "-refused").build())
                            .enqueue(FaultJobs::brief, "refused")
                            .id())
                    .isEqualTo(queue + "-refused");
        }
    }

    /**
     * Opens the migration of {@code slot} from {@code from} to {@code to} and moves only {@code key},
     * so that the slot's keys are split between the two and every script in it gets {@code TRYAGAIN}.
     */
    private static void openMigration(int slot, RedisServer from, RedisServer to, String key) {
        String s = Integer.toString(slot);
        to.execute("CLUSTER", "SETSLOT", s, "IMPORTING", from.execute("CLUSTER", "MYID"));
        from.execute("CLUSTER", "SETSLOT", s, "MIGRATING", to.execute("CLUSTER", "MYID"));
        from.execute("MIGRATE", to.host(), Integer.toString(to.port()), key, "0", "5000");
    }

    /** The error replies the masters gave, by kind, from their {@code INFO errorstats}. */
    private static Map<String, Long> errorReplies(List<RedisServer> masters) {
        Map<String, Long> out = new TreeMap<>();
        for (RedisServer m : masters) {
            for (String line : m.execute("INFO", "errorstats").split("\r?\n")) {
                if (line.startsWith("errorstat_") && line.contains(":count=")) {
                    String kind = line.substring("errorstat_".length(), line.indexOf(':'));
                    out.merge(
                            kind,
                            Long.parseLong(line.substring(line.indexOf("=") + 1).trim()),
                            Long::sum);
                }
            }
        }
        return out;
    }

    private static Map<String, Long> minus(Map<String, Long> now, Map<String, Long> then) {
        Map<String, Long> out = new TreeMap<>();
        now.forEach((k, v) -> {
            long d = v - then.getOrDefault(k, 0L);
            if (d != 0) {
                out.put(k, d);
            }
        });
        return out;
    }

    private static String address(RedisServer server) {
        return server.host() + ":" + server.port();
    }

    /** The longest enqueue call of a job whose call overlapped the move. */
    private static long longestCall(List<Sent> jobs, Move m) {
        return jobs.stream()
                .filter(s -> s.endedAt() >= m.startedAt() && s.startedAt() <= m.endedAt())
                .mapToLong(s -> s.endedAt() - s.startedAt())
                .max()
                .orElse(-1);
    }

    /**
     * The longest time between two jobs ending (by their {@code ended_at}, the Redis clock on this
     * machine) from the move's start to 2 s after its end.
     */
    private static long longestGap(Map<String, JobStates.State> stored, Move m) {
        long[] ends = stored.values().stream()
                .mapToLong(JobStates.State::endedAt)
                .filter(t -> t > 0)
                .sorted()
                .toArray();
        long from = m.startedAt();
        long to = m.endedAt() + 2000;
        long previous = -1;
        long gap = 0;
        for (long t : ends) {
            if (t < from) {
                previous = t;
                continue;
            }
            if (t > to) {
                break;
            }
            if (previous >= 0) {
                gap = Math.max(gap, t - Math.max(previous, from));
            }
            previous = t;
        }
        return gap;
    }

    /** Error replies a cluster gives while a slot moves (or fails), which name an error's kind. */
    private static final List<String> MARKERS = List.of(
            "TRYAGAIN", "ASK ", "MOVED ", "CLUSTERDOWN", "non local key", "NOSCRIPT", "did not answer", "timed out");

    /** The kind of an error, to count errors by it: the cluster's reply it carries, else its first words. */
    private static String kind(String error) {
        String text = String.valueOf(error);
        for (String marker : MARKERS) {
            if (text.contains(marker)) {
                return marker.trim();
            }
        }
        text = text.replaceAll("[0-9]+", "#");
        return text.length() > 120 ? text.substring(0, 120) : text;
    }

    /**
     * Enqueues numbered jobs every {@value #PERIOD_MS} ms, one call at a time; a call that fails is
     * tried again with the same id (safe: a job already stored under it with the same payload is
     * that job), up to {@value #ENQUEUE_TRIES} times.
     */
    private static final class Producer implements Runnable {
        private final Queue queue;
        private final String name;
        private final List<Sent> sent;
        private volatile boolean running = true;

        Producer(Queue queue, String name, List<Sent> sent) {
            this.queue = queue;
            this.name = name;
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
                EnqueueOptions options = EnqueueOptions.builder().jobId(id).build();
                long started = System.currentTimeMillis();
                List<String> errors = new ArrayList<>();
                boolean acked = false;
                int tries = 0;
                while (!acked && tries < ENQUEUE_TRIES) {
                    tries++;
                    try {
                        queue.with(options).enqueue(FaultJobs::brief, "n" + n);
                        acked = true;
                    } catch (JrqException e) {
                        errors.add(e.getClass().getSimpleName() + ": " + e.getMessage());
                        if (!sleep(50)) {
                            return;
                        }
                    }
                }
                long ended = System.currentTimeMillis();
                synchronized (sent) {
                    sent.add(new Sent(id, started, ended, acked, tries, List.copyOf(errors)));
                }
                // A steady rate: calls that waited out a migration are not made up for in a burst.
                next = Math.max(next + PERIOD_MS, ended);
                if (!sleep(next - System.currentTimeMillis())) {
                    return;
                }
            }
        }

        private static boolean sleep(long millis) {
            if (millis <= 0) {
                return true;
            }
            try {
                Thread.sleep(millis);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** Counts the WARN and ERROR events of jrq's loggers by kind, and keeps the first few. */
    private static final class WarnCounter extends AppenderBase<ILoggingEvent> {
        private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
        private final List<String> examples = new ArrayList<>();
        private Logger logger;

        static WarnCounter attach() {
            WarnCounter c = new WarnCounter();
            c.setContext((ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory());
            c.start();
            c.logger = (Logger) LoggerFactory.getLogger("io.jrq");
            c.logger.addAppender(c);
            return c;
        }

        void detach() {
            logger.detachAppender(this);
            stop();
        }

        @Override
        protected void append(ILoggingEvent event) {
            if (!event.getLevel().isGreaterOrEqual(Level.WARN)) {
                return;
            }
            String message = event.getFormattedMessage();
            String logger = event.getLoggerName();
            String key = logger.substring(logger.lastIndexOf('.') + 1) + ": " + kind(message);
            counts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            synchronized (examples) {
                if (examples.size() < 5) {
                    examples.add(message);
                }
            }
        }

        Map<String, Integer> counts() {
            Map<String, Integer> out = new TreeMap<>();
            counts.forEach((k, v) -> out.put(k, v.get()));
            return out;
        }

        List<String> examples() {
            synchronized (examples) {
                return List.copyOf(examples);
            }
        }
    }
}
