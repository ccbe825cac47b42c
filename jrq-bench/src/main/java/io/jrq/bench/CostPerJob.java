package io.jrq.bench;

import io.jrq.Admin;
import io.jrq.Queue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * What one job costs at saturation, with a warmed-up worker: Redis commands (those run inside
 * scripts included) and round trips, Redis CPU, bytes on the wire, worker CPU, and Redis memory per
 * queued job. The queue is paused while the jobs are enqueued, so the worker starts on a full queue
 * and works flat out.
 */
final class CostPerJob {
    private CostPerJob() {}

    /** @return "group:us/job ..." for the thread groups that used CPU, busiest first */
    private static String byThread(Map<String, Long> before, Map<String, Long> after, int n) {
        List<String> out = new ArrayList<>();
        after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
                .forEach(e ->
                        out.add(e.getKey().replace(' ', '_') + ":" + String.format("%.1f", e.getValue() * 1e3 / n)));
        return String.join(" ", out);
    }

    /**
     * What the measured worker serves and what its jobs carry: {@code queues} queues with the jobs
     * spread evenly over them, in strict priority or weighted (the first heaviest: 3:2:1 for three),
     * and no-op jobs or jobs with a 1 KB argument and result ({@link BenchJobs#echo}).
     */
    record Shape(String name, int queues, boolean weighted, boolean kilobyte) {
        static final Shape ONE_QUEUE_NOOP = new Shape("one queue, no-op", 1, false, false);
        private static final String KILOBYTE = "x".repeat(1024);

        /** @return one weight per queue, the first queue heaviest, or null for strict priority */
        int[] weights() {
            return weighted ? IntStream.range(0, queues).map(i -> queues - i).toArray() : null;
        }

        /** Enqueues job i into queue i mod the number of queues, {@value Bench#BULK_CHUNK} per call. */
        void enqueue(List<Queue> qs, long n) {
            List<List<Long>> chunks = new ArrayList<>();
            qs.forEach(q -> chunks.add(new ArrayList<>(Bench.BULK_CHUNK)));
            for (long i = 0; i < n; i++) {
                int k = (int) (i % qs.size());
                chunks.get(k).add(i);
                // The last qs.size() jobs are each the last of their queue.
                if (chunks.get(k).size() == Bench.BULK_CHUNK || i >= n - qs.size()) {
                    send(qs.get(k), chunks.get(k));
                    chunks.get(k).clear();
                }
            }
        }

        private void send(Queue q, List<Long> chunk) {
            if (kilobyte) {
                q.enqueueAll(BenchJobs::echo, Collections.nCopies(chunk.size(), KILOBYTE));
            } else {
                q.enqueueAll(BenchJobs::noop, chunk);
            }
        }
    }

    static void run(Bench b, int c) {
        Report.Figure figure = b.report.figure("cost", "per job, concurrency " + c);
        measure(b, c, Shape.ONE_QUEUE_NOOP, figure);
        figure.emit();
    }

    /**
     * Measures the cost per job of one shape with a worker of its own, into {@code figure}
     * (which the caller emits).
     *
     * @return the steady rate, jobs per second
     */
    static double measure(Bench b, int c, Shape shape, Report.Figure figure) {
        int n = b.options.n;
        String base = b.freshQueue("cost");
        List<String> names = shape.queues() == 1
                ? List.of(base)
                : IntStream.range(0, shape.queues())
                        .mapToObj(i -> base + "-" + i)
                        .toList();
        List<Queue> qs = names.stream().map(b.jrq::queue).toList();
        String queue = names.get(0);
        Admin admin = b.jrq.admin();
        try (WorkerProcess w = b.spawnWorker(names, shape.weights(), c).awaitReady()) {
            shape.enqueue(qs, Math.min(n, 20_000));
            names.forEach(name -> PickupLatency.awaitIdle(b, name, w));
            // Let the warm-up's jobs settle first (the finished registry keeps up to finishedJobsMax of them).
            names.forEach(admin::pause);
            Bench.sleep(1500);

            Probe.Snapshot m0 = b.probe.snapshot();
            shape.enqueue(qs, n);
            Probe.Snapshot m1 = b.probe.snapshot();
            double memPerJob = (double) (m1.usedMemory() - m0.usedMemory()) / n;
            String sample = b.probe.sync().lindex(b.probe.keys().ready(queue), 0);
            String jobKey = b.probe.keys().job(queue, sample);
            // A plain queued job is a field "<enqueued_at>:<payload>" of the queue's queued hash, not a key of its own.
            long record = b.probe.sync().hstrlen(b.probe.keys().queued(queue), sample);
            long payload = record > 0 ? record - 14 : b.probe.sync().hstrlen(jobKey, "payload");
            Long hashBytes = b.probe.sync().memoryUsage(jobKey);

            Probe.Snapshot s0 = b.probe.snapshot();
            long cpu0 = w.cpuNanos();
            long[] proc0 = w.procStats();
            Map<String, Long> threads0 = w.threadCpu();
            long[] redis0 = WorkerProcess.procStats(b.redisPid);
            long t0 = System.nanoTime();
            names.forEach(admin::resume);
            Bench.Drain d = b.awaitDone(names, n, n, t0, List.of(w));
            long cpu1 = w.cpuNanos();
            long[] proc1 = w.procStats();
            Map<String, Long> threads1 = w.threadCpu();
            long[] redis1 = WorkerProcess.procStats(b.redisPid);
            Probe.Snapshot s1 = b.probe.snapshot();
            Long finishedBytes = b.probe.sync().memoryUsage(jobKey);

            Map<String, long[]> cmds = s1.commandsSince(s0);
            long total = 0;
            long roundTrips = 0;
            long scriptCalls = 0;
            long scriptUsec = 0;
            long innerUsec = 0;
            List<String> top = new ArrayList<>();
            for (Map.Entry<String, long[]> e : cmds.entrySet()) {
                String name = e.getKey();
                if (Probe.OWN.contains(name)) {
                    continue;
                }
                total += e.getValue()[0];
                if (!Probe.SCRIPT_INNER.contains(name)) {
                    roundTrips += e.getValue()[0];
                } else {
                    innerUsec += e.getValue()[1];
                }
                if (name.equals("evalsha") || name.equals("eval")) {
                    scriptCalls += e.getValue()[0];
                    scriptUsec += e.getValue()[1];
                }
            }
            cmds.entrySet().stream()
                    .filter(e -> !Probe.OWN.contains(e.getKey()))
                    .sorted((x, y) -> Long.compare(y.getValue()[0], x.getValue()[0]))
                    .forEach(e -> top.add(e.getKey() + ":"
                            + String.format(
                                    "%.2f/%.1fus", (double) e.getValue()[0] / n, (double) e.getValue()[1] / n)));
            Bench.progress(String.format(
                    "cost, " + shape.name()
                            + ": %.0f jobs/s steady, %.2f commands/job, %.3f round trips/job, %.0f B memory/queued job, %.1f us worker CPU/job",
                    d.steadyPerS(),
                    (double) total / n,
                    (double) roundTrips / n,
                    memPerJob,
                    (cpu1 - cpu0) / 1e3 / n));
            figure.put("N", n)
                    .put("C", c)
                    .put("steady_per_s", Math.round(d.steadyPerS()))
                    .put("redis_commands_per_job", (double) total / n)
                    .put("round_trips_per_job", (double) roundTrips / n)
                    .put("jobs_per_fetch_call", scriptCalls == 0 ? 0.0 : (double) n / scriptCalls)
                    .put("script_us_per_job", (double) scriptUsec / n)
                    .put("commands_in_scripts_us_per_job", (double) innerUsec / n)
                    .put("redis_cpu_us_per_job", (s1.cpuSeconds() - s0.cpuSeconds()) * 1e6 / n)
                    .put("net_bytes_in_per_job", (double) (s1.netIn() - s0.netIn()) / n)
                    .put("net_bytes_out_per_job", (double) (s1.netOut() - s0.netOut()) / n)
                    .put("worker_cpu_us_per_job", (cpu1 - cpu0) / 1e3 / n)
                    .put("worker_user_us_per_job", (proc1[0] - proc0[0]) * 1e3 / n)
                    .put("worker_sys_us_per_job", (proc1[1] - proc0[1]) * 1e3 / n)
                    .put("worker_context_switches_per_job", (double) (proc1[2] - proc0[2]) / n)
                    .put("redis_context_switches_per_job", b.redisPid < 0 ? -1.0 : (double) (redis1[2] - redis0[2]) / n)
                    .put("memory_bytes_per_queued_job", memPerJob)
                    .put("payload_bytes", payload)
                    .put("queued_record_bytes", record)
                    .put("queued_job_hash_bytes", hashBytes == null ? -1 : hashBytes)
                    .put("finished_job_hash_bytes", finishedBytes == null ? -1 : finishedBytes)
                    // calls per job / Redis time per job (wall clock, as INFO commandstats counts it) for each command
                    .put("commands_per_job", String.join(" ", top))
                    .put("worker_thread_cpu_us_per_job", byThread(threads0, threads1, n));
            return d.steadyPerS();
        }
    }
}
