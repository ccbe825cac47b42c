package io.jrq.internal.worker;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The worker's job slots: runs leased jobs on the executor, at most {@code concurrency} at once,
 * and knows which jobs are running for lease renewal and shutdown.
 */
final class Slots {
    private final int concurrency;
    private final ExecutorService executor;
    private final Function<LeasedJob, Completion> body;
    private final Consumer<Completion> sink;
    // Keyed by identity: a lease token ("worker:attempt") is the same for every first attempt a
    // worker runs, so it cannot tell its jobs apart.
    private final Set<LeasedJob> running = ConcurrentHashMap.newKeySet();

    /**
     * @param body runs a job and returns its outcome, or null when the outcome must not be recorded
     * @param sink receives outcomes, after the job's slot is free again
     */
    Slots(int concurrency, ExecutorService executor, Function<LeasedJob, Completion> body, Consumer<Completion> sink) {
        this.concurrency = concurrency;
        this.executor = executor;
        this.body = body;
        this.sink = sink;
    }

    int free() {
        return concurrency - running.size();
    }

    int running() {
        return running.size();
    }

    Collection<LeasedJob> jobs() {
        return running;
    }

    void dispatch(LeasedJob job) {
        running.add(job);
        executor.execute(() -> {
            job.thread(Thread.currentThread());
            Completion c = null;
            try {
                if (FaultPoints.ENABLED) {
                    FaultPoints.reach(FaultPoints.JOB_BEFORE_RUN);
                }
                c = body.apply(job);
            } finally {
                job.thread(null);
                running.remove(job);
            }
            if (c != null) {
                if (FaultPoints.ENABLED) {
                    FaultPoints.reach(FaultPoints.JOB_AFTER_RUN);
                }
                sink.accept(c);
            }
        });
    }
}
