package io.jrq.bench;

import io.jrq.Queue;
import java.util.ArrayList;
import java.util.List;

/**
 * Throughput end to end, measured the way the peers' runners measure it: N no-op jobs are enqueued
 * in bulk first, then worker processes start and drain them. The drain rate includes the worker's
 * start (a JVM, a client, the first fetch); the steady rate counts the jobs between 10% and 90% done.
 */
final class EndToEnd {
    private EndToEnd() {}

    /** @return the concurrency with the best steady rate */
    static int run(Bench b) {
        int best = -1;
        double bestRate = -1;
        for (int c : b.options.concurrency) {
            Result r = drain(b, "e2e", b.options.n, 1, c);
            b.report
                    .figure("e2e", "1 worker, concurrency " + c)
                    .put("N", b.options.n)
                    .put("C", c)
                    .put("enqueue_per_s", Math.round(r.enqueuePerS))
                    .put("drain_per_s", Math.round(r.drain.drainPerS()))
                    .put("steady_per_s", Math.round(r.drain.steadyPerS()))
                    .put("worker_start_ms", Math.round(r.startNanos / 1e6))
                    .put(
                            "drain_after_start_per_s",
                            Math.round(b.options.n / Bench.seconds(r.drain.end() - r.startNanos)))
                    .put("worker_cpu_ms", Math.round(r.workerCpuNanos / 1e6))
                    .emit();
            if (r.drain.steadyPerS() > bestRate) {
                bestRate = r.drain.steadyPerS();
                best = c;
            }
        }
        return best;
    }

    /** Throughput with 1, 2, 4... worker processes, each at concurrency {@code c}. */
    static void scaling(Bench b, int c) {
        for (int k : b.options.workers) {
            Result r = drain(b, "workers", b.options.n, k, c);
            b.report
                    .figure("workers", k + " worker process(es) x concurrency " + c)
                    .put("N", b.options.n)
                    .put("C", c)
                    .put("processes", k)
                    .put("drain_per_s", Math.round(r.drain.drainPerS()))
                    .put("steady_per_s", Math.round(r.drain.steadyPerS()))
                    // On 2 cores more processes cannot add throughput; what they change is the cost
                    // per job on each side (more, smaller fetch calls for Redis; a JIT per process).
                    .put("redis_cpu_us_per_job", r.redisCpuSeconds * 1e6 / b.options.n)
                    .put("worker_cpu_us_per_job", r.workerCpuNanos / 1e3 / b.options.n)
                    .emit();
        }
    }

    /**
     * @param workerCpuNanos the CPU time of all worker processes together
     * @param startNanos from the spawn to the (last) worker's "ready"
     * @param redisCpuSeconds Redis's CPU time from the workers' spawn to the drain's end
     */
    record Result(
            double enqueuePerS, Bench.Drain drain, long workerCpuNanos, long startNanos, double redisCpuSeconds) {}

    static Result drain(Bench b, String what, int n, int processes, int c) {
        String queue = b.freshQueue(what);
        Queue q = b.jrq.queue(queue);
        double enqueue = b.enqueueBulk(q, n);
        Bench.progress(what + ": " + n + " jobs enqueued (" + Math.round(enqueue) + "/s); draining with " + processes
                + " worker process(es) at concurrency " + c);
        List<WorkerProcess> workers = new ArrayList<>();
        Probe.Snapshot before = b.probe.snapshot();
        long t0 = System.nanoTime();
        try {
            for (int i = 0; i < processes; i++) {
                workers.add(b.spawnWorker(queue, c));
            }
            Bench.Drain d = b.awaitDone(queue, n, n, t0, workers);
            double redisCpu = b.probe.snapshot().cpuSeconds() - before.cpuSeconds();
            long cpu = 0;
            long ready = t0;
            for (WorkerProcess w : workers) {
                cpu += w.cpuNanos();
                ready = Math.max(ready, w.readyAt());
            }
            Bench.progress(String.format("  drain %.0f/s, steady %.0f/s", d.drainPerS(), d.steadyPerS()));
            checkStored(b, q);
            return new Result(enqueue, d, cpu, ready - t0, redisCpu);
        } finally {
            workers.forEach(WorkerProcess::close);
        }
    }

    /** The last job to finish must have its result stored (at-least-once with results, not a bare pop). */
    private static void checkStored(Bench b, Queue q) {
        String last = b.probe.sync().zrange(b.probe.keys().finished(q.name()), -1, -1).stream()
                .findFirst()
                .orElse(null);
        if (last == null
                || !"FINISHED".equals(b.probe.sync().hget(b.probe.keys().job(q.name(), last), "status"))
                || b.probe.sync().hget(b.probe.keys().job(q.name(), last), "result") == null) {
            throw new IllegalStateException(
                    "queue " + q.name() + " drained but its last finished job has no stored result: " + last);
        }
    }
}
