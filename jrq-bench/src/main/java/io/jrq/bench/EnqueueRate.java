package io.jrq.bench;

import io.jrq.Queue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Enqueue rate with no worker running: one job per call from several threads, and in bulk. */
final class EnqueueRate {
    private EnqueueRate() {}

    static void run(Bench b) throws InterruptedException {
        int n = b.options.n;
        for (int threads : b.options.threads) {
            Queue q = b.jrq.queue(b.freshQueue("enqueue"));
            warm(q);
            double rate = single(q, n, threads);
            Bench.progress(String.format("enqueue: single, %d thread(s): %.0f/s", threads, rate));
            b.report
                    .figure("enqueue", "single, " + threads + " thread(s)")
                    .put("N", n)
                    .put("threads", threads)
                    .put("enqueue_per_s", Math.round(rate))
                    .emit();
        }
        Queue q = b.jrq.queue(b.freshQueue("enqueue"));
        warm(q);
        double chunked = b.enqueueBulk(q, n);
        Bench.progress(String.format("enqueue: bulk, %d per call: %.0f/s", Bench.BULK_CHUNK, chunked));
        b.report
                .figure("enqueue", "bulk, " + Bench.BULK_CHUNK + " per call")
                .put("N", n)
                .put("enqueue_per_s", Math.round(chunked))
                .emit();

        q = b.jrq.queue(b.freshQueue("enqueue"));
        warm(q);
        List<Long> all = new ArrayList<>(n);
        for (long i = 0; i < n; i++) {
            all.add(i);
        }
        long t0 = System.nanoTime();
        q.enqueueAll(BenchJobs::noop, all);
        double one = n / Bench.seconds(System.nanoTime() - t0);
        Bench.progress(String.format("enqueue: bulk, all in one call: %.0f/s", one));
        b.report
                .figure("enqueue", "bulk, all in one call")
                .put("N", n)
                .put("enqueue_per_s", Math.round(one))
                .emit();
    }

    /** Runs the enqueue paths a few thousand times so the JIT has compiled them. */
    private static void warm(Queue q) {
        for (long i = 0; i < 2000; i++) {
            q.enqueue(BenchJobs::noop, i);
        }
        List<Long> chunk = new ArrayList<>();
        for (long i = 0; i < Bench.BULK_CHUNK; i++) {
            chunk.add(i);
        }
        for (int i = 0; i < 5; i++) {
            q.enqueueAll(BenchJobs::noop, chunk);
        }
    }

    /** @return jobs per second, {@code n} single enqueues spread over {@code threads} threads */
    static double single(Queue q, int n, int threads) throws InterruptedException {
        AtomicLong next = new AtomicLong();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(threads);
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            new Thread(
                            () -> {
                                try {
                                    for (long i; (i = next.getAndIncrement()) < n; ) {
                                        q.enqueue(BenchJobs::noop, i);
                                    }
                                } catch (Throwable e) {
                                    failed.set(e);
                                } finally {
                                    done.countDown();
                                }
                            },
                            "bench-enqueue-" + t)
                    .start();
        }
        done.await();
        if (failed.get() != null) {
            throw new IllegalStateException("enqueue failed", failed.get());
        }
        return n / Bench.seconds(System.nanoTime() - t0);
    }
}
