package io.jrq.bench;

import io.jrq.Queue;
import java.util.List;
import java.util.Map;

/**
 * Whether a long queue slows jrq down: enqueue and dequeue cost with a small and a very large
 * number of jobs already waiting. Both should be flat (list pushes and pops are O(1)).
 */
final class Growth {
    private static final int SINGLE = 3000;
    private static final int MEASURED = 20_000;

    private Growth() {}

    static void run(Bench b, int c) {
        for (int backlog : b.options.backlog) {
            String queue = b.freshQueue("growth");
            Queue q = b.jrq.queue(queue);
            Bench.progress("growth: filling " + backlog + " jobs");
            double fill = b.enqueueBulk(q, backlog);

            Probe.Snapshot s0 = b.probe.snapshot();
            long t0 = System.nanoTime();
            for (long i = 0; i < SINGLE; i++) {
                q.enqueue(BenchJobs::noop, i);
            }
            double singleUs = (System.nanoTime() - t0) / 1e3 / SINGLE;
            Probe.Snapshot s1 = b.probe.snapshot();
            double bulk = b.enqueueBulk(q, MEASURED);
            Probe.Snapshot s2 = b.probe.snapshot();

            // The worker takes the oldest jobs first: the whole backlog is still waiting while it takes the first
            // MEASURED.
            long total = (long) backlog + SINGLE + MEASURED;
            Bench.Drain d;
            Probe.Snapshot s3;
            Probe.Snapshot s4;
            try (WorkerProcess w = b.spawnWorker(queue, c).awaitReady()) {
                b.awaitDone(queue, 1000, total, System.nanoTime(), List.of(w));
                s3 = b.probe.snapshot();
                long t3 = System.nanoTime();
                d = b.awaitDone(queue, MEASURED, total - 1000, t3, List.of(w));
                s4 = b.probe.snapshot();
            }
            double memPerJob = (double) (s2.usedMemory() - s1.usedMemory()) / MEASURED;
            Bench.progress(String.format(
                    "growth with %d waiting: single enqueue %.0f us, bulk %.0f/s, dequeue %.0f/s",
                    backlog, singleUs, bulk, d.steadyPerS()));
            b.report
                    .figure("growth", backlog + " jobs waiting")
                    .put("backlog", backlog)
                    .put("C", c)
                    .put("fill_per_s", Math.round(fill))
                    .put("single_enqueue_us", singleUs)
                    .put("enqueue_script_us_per_call", scriptUsPerCall(s0, s1))
                    .put("bulk_enqueue_per_s", Math.round(bulk))
                    .put("bulk_script_us_per_job", scriptUs(s1, s2) / MEASURED)
                    .put("memory_bytes_per_job", memPerJob)
                    .put("dequeue_per_s", Math.round(d.steadyPerS()))
                    .put("fetch_script_us_per_job", scriptUs(s3, s4) / MEASURED)
                    .emit();
        }
    }

    private static double scriptUs(Probe.Snapshot before, Probe.Snapshot after) {
        Map<String, long[]> d = after.commandsSince(before);
        return d.getOrDefault("evalsha", new long[2])[1] + d.getOrDefault("eval", new long[2])[1];
    }

    private static double scriptUsPerCall(Probe.Snapshot before, Probe.Snapshot after) {
        Map<String, long[]> d = after.commandsSince(before);
        long calls = d.getOrDefault("evalsha", new long[2])[0] + d.getOrDefault("eval", new long[2])[0];
        return calls == 0 ? 0 : scriptUs(before, after) / calls;
    }
}
