package io.jrq.bench;

import io.jrq.Jrq;
import io.jrq.Queue;
import io.jrq.testkit.RedisServer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The end-to-end suite: starts a private Redis (no persistence), then measures, each part on an
 * emptied server:
 *
 * <ul>
 *   <li>{@code e2e}: bulk-enqueue N no-op jobs, then drain them with one worker process (its start
 *       included, like the peers' runners) at each concurrency; drain and steady (10%-90%) rates;</li>
 *   <li>{@code enqueue}: single enqueues from several client threads, and bulk enqueues;</li>
 *   <li>{@code latency}: enqueue-to-start latency at fixed offered loads and into an idle worker;</li>
 *   <li>{@code cost}: Redis commands and round trips, Redis CPU, network bytes and memory, and worker
 *       CPU per job;</li>
 *   <li>{@code shapes}: the same per-job costs for a worker serving three queues (strict and
 *       weighted) and for jobs with a 1 KB argument and result, beside the one-queue no-op case;</li>
 *   <li>{@code growth}: enqueue and dequeue cost with few or very many jobs waiting;</li>
 *   <li>{@code workers}: throughput with several worker processes;</li>
 *   <li>{@code partitions} (only when asked for): one queue with 1, 2, 4 and 8 partitions on a
 *       3-master cluster of its own, with the jobs and Redis CPU per job of each master.</li>
 * </ul>
 *
 * <p>Each figure is printed as one JSON line as soon as it is measured, and all of them as a table at
 * the end. Progress goes to stderr. See docs/BENCHMARKS.md.
 */
public final class Bench {
    static final int BULK_CHUNK = 1000;
    private static final long POLL_MS = 5;
    private static final long DRAIN_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(10);

    final Options options;
    final String url;
    final Probe probe;
    final Jrq jrq;
    final Report report;
    final Path logDir;
    /** The private Redis server's pid, or -1 for one given by URL. */
    long redisPid = -1;

    private int runs;

    private Bench(Options options, String url, Report report) throws Exception {
        this.options = options;
        this.url = url;
        this.probe = new Probe(url);
        this.jrq = Jrq.connect(url);
        this.report = report;
        this.logDir = Files.createTempDirectory("jrq-bench-");
    }

    /** @param args see {@link Options#USAGE} */
    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        Report report = new Report(out);
        RedisServer server = null;
        String url = options.redisUrl;
        long redisPid = -1;
        if (url == null) {
            RedisServer.Builder builder =
                    RedisServer.builder().config("save", "\"\"").appendOnly(false);
            options.redisConfig.forEach(builder::config);
            server = builder.start();
            url = server.url();
            redisPid = server.pid();
            progress("private Redis " + server.version() + " on " + url
                    + (options.redisConfig.isEmpty() ? "" : " with " + options.redisConfig));
        }
        try {
            Bench bench = new Bench(options, url, report);
            bench.redisPid = redisPid;
            bench.run();
        } finally {
            report.printTable();
            if (server != null) {
                server.close();
            }
        }
        // Lettuce's and the worker handles' threads must not keep the JVM alive.
        System.exit(0);
    }

    private void run() throws Exception {
        warmUp();
        int best = options.at;
        if (options.parts.contains("e2e")) {
            int bestC = EndToEnd.run(this);
            if (best < 0) {
                best = bestC;
            }
        }
        if (best < 0) {
            best = 50;
        }
        progress("concurrency for the other parts: " + best);
        if (options.parts.contains("enqueue")) {
            EnqueueRate.run(this);
        }
        if (options.parts.contains("first")) {
            FirstEnqueue.run(this);
        }
        if (options.parts.contains("latency")) {
            PickupLatency.run(this, best);
        }
        if (options.parts.contains("cost")) {
            CostPerJob.run(this, best);
        }
        if (options.parts.contains("shapes")) {
            Shapes.run(this, best);
        }
        if (options.parts.contains("growth")) {
            Growth.run(this, best);
        }
        if (options.parts.contains("workers")) {
            EndToEnd.scaling(this, best);
        }
        if (options.parts.contains("partitions")) {
            Partitioned.run(this, best);
        }
        jrq.close();
        probe.close();
        cleanLogs();
    }

    /** Removes the worker logs that stayed empty; says where the others are. */
    private void cleanLogs() throws java.io.IOException {
        boolean kept = false;
        try (var files = Files.list(logDir)) {
            for (Path f : files.toList()) {
                if (Files.size(f) == 0) {
                    Files.delete(f);
                } else {
                    kept = true;
                }
            }
        }
        if (kept) {
            progress("worker processes logged warnings: see " + logDir);
        } else {
            Files.delete(logDir);
        }
    }

    /** Runs this JVM's enqueue paths until the JIT has compiled them, so the first figures are not cold. */
    private void warmUp() {
        Queue q = jrq.queue(freshQueue("warmup"));
        for (int round = 0; round < 3; round++) {
            enqueueBulk(q, 20_000);
            for (long i = 0; i < 3000; i++) {
                q.enqueue(BenchJobs::noop, i);
            }
        }
        probe.flushAll();
    }

    /** @return a fresh queue name on an emptied server */
    String freshQueue(String what) {
        probe.flushAll();
        return what + "-" + (++runs);
    }

    WorkerProcess spawnWorker(String queue, int concurrency) {
        return spawnWorker(List.of(queue), null, concurrency);
    }

    /** @param weights one per queue for weighted order, or null for strict priority */
    WorkerProcess spawnWorker(List<String> queues, int[] weights, int concurrency) {
        return WorkerProcess.spawn(url, queues, weights, concurrency, options.workerJvm, logDir);
    }

    /**
     * Enqueues {@code n} no-op jobs with {@code enqueueAll}, {@value #BULK_CHUNK} per call (like the
     * peers' runners).
     *
     * @return jobs per second
     */
    double enqueueBulk(Queue q, long n) {
        long t0 = System.nanoTime();
        List<Long> chunk = new ArrayList<>(BULK_CHUNK);
        for (long i = 0; i < n; i++) {
            chunk.add(i);
            if (chunk.size() == BULK_CHUNK || i == n - 1) {
                q.enqueueAll(BenchJobs::noop, chunk);
                chunk.clear();
            }
        }
        return n / seconds(System.nanoTime() - t0);
    }

    /** What one drain measured; times in ns from its start. */
    record Drain(long n, long t10, long t90, long end) {
        double drainPerS() {
            return n / seconds(end);
        }

        double steadyPerS() {
            return 0.8 * n / seconds(t90 - t10);
        }
    }

    /**
     * Polls until {@code n} jobs of the queue have ended, counting from {@code startNanos}.
     *
     * @param n how many jobs to wait for
     * @param total how many jobs the queue was given
     * @param workers the processes doing the work; a dead one fails the wait
     */
    Drain awaitDone(String queue, long n, long total, long startNanos, List<WorkerProcess> workers) {
        return awaitDone(List.of(queue), n, total, startNanos, workers);
    }

    /** {@link #awaitDone(String, long, long, long, List)} for jobs spread over several queues. */
    Drain awaitDone(List<String> queues, long n, long total, long startNanos, List<WorkerProcess> workers) {
        long t10 = -1;
        long t90 = -1;
        long deadline = startNanos + TimeUnit.MILLISECONDS.toNanos(DRAIN_TIMEOUT_MS);
        while (true) {
            long done = probe.done(queues, total);
            long now = System.nanoTime();
            if (t10 < 0 && done >= n * 0.1) {
                t10 = now - startNanos;
            }
            if (t90 < 0 && done >= n * 0.9) {
                t90 = now - startNanos;
            }
            if (done >= n) {
                return new Drain(n, t10, t90, now - startNanos);
            }
            if (now > deadline) {
                throw new IllegalStateException(
                        queues + ": only " + done + " of " + n + " jobs done after " + DRAIN_TIMEOUT_MS + " ms");
            }
            for (WorkerProcess w : workers) {
                if (!w.isAlive()) {
                    throw new IllegalStateException("worker process " + w.pid() + " died; " + w.logTail());
                }
            }
            sleep(POLL_MS);
        }
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static void progress(String message) {
        System.err.println("[bench] " + message);
        System.err.flush();
    }
}
