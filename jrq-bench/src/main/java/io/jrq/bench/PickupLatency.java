package io.jrq.bench;

import io.jrq.Job;
import io.jrq.Queue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Time from the producer's enqueue call to the job's start, measured inside the job against the
 * producer's wall clock (same machine). The producer is open-loop: jobs are sent on a fixed schedule
 * whatever the worker does, by several threads so that one slow enqueue does not hold the schedule up.
 */
final class PickupLatency {
    /** Jobs one producer thread sends per second at most. */
    private static final int PER_THREAD = 1250;

    private static final long IDLE_GAP_MS = 20;
    /** Offered loads above this are sent in batches (one thread cannot send 10,000 single enqueues a second here). */
    static final int BATCH_ABOVE = 2000;

    private PickupLatency() {}

    static void run(Bench b, int c) throws InterruptedException {
        String queue = b.freshQueue("latency");
        Queue q = b.jrq.queue(queue);
        try (WorkerProcess w = b.spawnWorker(queue, c).awaitReady()) {
            warm(b, q, w);
            for (int rate : b.options.rates) {
                long n = (long) rate * b.options.rateSeconds;
                double sent = openLoop(q, rate, n);
                awaitIdle(b, queue, w);
                long[] p = w.pickups();
                Bench.progress(String.format(
                        "latency at %d/s (sent at %.0f/s): p50 %d us, p99 %d us, p99.9 %d us",
                        rate, sent, p[1], p[3], p[4]));
                emit(b, "offered " + rate + " jobs/s" + (rate > BATCH_ABOVE ? ", batched" : ""), c, p)
                        .put("offered_per_s", rate)
                        .put("achieved_per_s", Math.round(sent))
                        .emit();
            }
            long untilLeased = 0;
            for (int i = 0; i < b.options.idleJobs; i++) {
                Job<Long> job = q.enqueue(BenchJobs::pickup, BenchJobs.nowMicros());
                job.await(Duration.ofSeconds(30));
                List<io.lettuce.core.KeyValue<String, String>> t =
                        b.probe.sync().hmget(b.probe.keys().job(queue, job.id()), "enqueued_at", "started_at");
                untilLeased += Long.parseLong(t.get(1).getValue())
                        - Long.parseLong(t.get(0).getValue());
                Bench.sleep(IDLE_GAP_MS);
            }
            long[] p = w.pickups();
            Bench.progress(String.format("idle pickup: p50 %d us, p99 %d us, max %d us", p[1], p[3], p[5]));
            // Redis TIME at enqueue.lua and at the fetch.lua that leased it: ms resolution, so only the mean means
            // much.
            emit(b, "idle worker, one job at a time", c, p)
                    .put("mean_enqueued_to_leased_ms", (double) untilLeased / b.options.idleJobs)
                    .emit();
            long[] rtt = pingRoundTrips(b, b.options.idleJobs);
            Bench.progress(String.format("PING after %d ms idle: p50 %d us, p99 %d us", IDLE_GAP_MS, rtt[1], rtt[3]));
            emit(b, "floor: PING round trip after " + IDLE_GAP_MS + " ms idle", 0, rtt)
                    .emit();
        }
    }

    /** The floor under these latencies on this machine right now: one Redis round trip from an idle thread. */
    private static long[] pingRoundTrips(Bench b, int k) {
        long[] us = new long[k];
        for (int i = 0; i < k; i++) {
            long t0 = System.nanoTime();
            b.probe.sync().ping();
            us[i] = (System.nanoTime() - t0) / 1000;
            Bench.sleep(IDLE_GAP_MS);
        }
        java.util.Arrays.sort(us);
        return new long[] {
            k,
            Stats.percentile(us, 50),
            Stats.percentile(us, 90),
            Stats.percentile(us, 99),
            Stats.percentile(us, 99.9),
            us[k - 1]
        };
    }

    private static Report.Figure emit(Bench b, String setting, int c, long[] p) {
        Report.Figure f = b.report.figure("latency", setting);
        if (c > 0) {
            f.put("C", c);
        }
        return f.put("jobs", p[0])
                .put("p50_ms", p[1] / 1000.0)
                .put("p90_ms", p[2] / 1000.0)
                .put("p99_ms", p[3] / 1000.0)
                .put("p999_ms", p[4] / 1000.0)
                .put("max_ms", p[5] / 1000.0);
    }

    private static void warm(Bench b, Queue q, WorkerProcess w) throws InterruptedException {
        b.enqueueBulk(q, 5000);
        openLoop(q, 2000, 4000);
        awaitIdle(b, q.name(), w);
        w.pickups();
    }

    /**
     * Sends {@code n} pickup jobs at {@code rate} per second: above {@value #BATCH_ABOVE}/s from one
     * thread that sends whatever has fallen due in one {@code enqueueAll} (a batch every few hundred
     * microseconds), below it one job per call from several threads. @return the rate achieved
     */
    static double openLoop(Queue q, int rate, long n) throws InterruptedException {
        if (rate > BATCH_ABOVE) {
            return batched(q, rate, n);
        }
        int threads = Math.max(1, Math.min(32, (rate + PER_THREAD - 1) / PER_THREAD));
        long interval = threads * 1_000_000_000L / rate;
        long start = System.nanoTime() + 20_000_000L;
        AtomicReference<Throwable> failed = new AtomicReference<>();
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long first = start + t * (interval / threads);
            long count = n / threads + (t < n % threads ? 1 : 0);
            Thread th = new Thread(
                    () -> {
                        try {
                            for (long k = 0; k < count; k++) {
                                long due = first + k * interval;
                                for (long wait; (wait = due - System.nanoTime()) > 0; ) {
                                    LockSupport.parkNanos(wait);
                                }
                                q.enqueue(BenchJobs::pickup, BenchJobs.nowMicros());
                            }
                        } catch (Throwable e) {
                            failed.set(e);
                        }
                    },
                    "bench-producer-" + t);
            producers.add(th);
            th.start();
        }
        for (Thread th : producers) {
            th.join();
        }
        if (failed.get() != null) {
            throw new IllegalStateException("enqueue failed", failed.get());
        }
        return n / Bench.seconds(System.nanoTime() - start);
    }

    private static double batched(Queue q, int rate, long n) {
        long start = System.nanoTime();
        long sent = 0;
        while (sent < n) {
            long due = Math.min(n, (long) ((System.nanoTime() - start) / 1e9 * rate) + 1);
            if (due > sent) {
                int k = (int) (due - sent);
                long now = BenchJobs.nowMicros();
                if (k == 1) {
                    q.enqueue(BenchJobs::pickup, now);
                } else {
                    q.enqueueAll(BenchJobs::pickup, java.util.Collections.nCopies(k, now));
                }
                sent = due;
            } else {
                LockSupport.parkNanos(start + (long) (sent * 1e9 / rate) - System.nanoTime());
            }
        }
        return n / Bench.seconds(System.nanoTime() - start);
    }

    static void awaitIdle(Bench b, String queue, WorkerProcess w) {
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (b.probe.done(queue, 0) != 0) {
            if (!w.isAlive()) {
                throw new IllegalStateException("worker process died; " + w.logTail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("queue " + queue + " not drained after 10 minutes");
            }
            Bench.sleep(5);
        }
    }
}
