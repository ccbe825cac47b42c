package io.jrq.internal.worker;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The worker's job slots: runs leased jobs on the executor, at most {@code concurrency} at once,
 * and knows which jobs are leased for lease renewal and shutdown.
 *
 * <p>Jobs are not handed to a thread each. A fetched batch goes into a waiting queue and one runner
 * is started; a runner takes jobs from the queue until it is empty, and while jobs still wait it
 * starts one more runner (never more than one starting at a time, never more than
 * {@code concurrency} alive). Short jobs thus run back to back by the thread that is already
 * awake, without a thread wake-up per job; long jobs still spread over up to {@code concurrency}
 * runners, started one wake-up apart.
 */
final class Slots {
    private final int concurrency;
    private final ExecutorService executor;
    private final Function<LeasedJob, Completion> body;
    private final Consumer<Completion> sink;
    // Keyed by identity: a lease token ("worker:attempt") is the same for every first attempt a
    // worker runs, so it cannot tell its jobs apart.
    private final Set<LeasedJob> leased = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<LeasedJob> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger runners = new AtomicInteger();
    /** A runner was started and has not yet looked at the queue: no other is started meanwhile. */
    private final AtomicBoolean starting = new AtomicBoolean();

    private volatile boolean closed;

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
        return concurrency - leased.size();
    }

    /** @return jobs leased and not ended: running, or waiting for a runner */
    int running() {
        return leased.size();
    }

    /** @return the jobs leased and not ended, for lease renewal and shutdown */
    Collection<LeasedJob> jobs() {
        return leased;
    }

    /** Runs the jobs; may be called from any thread, including a Redis I/O thread (it never blocks). */
    void dispatch(List<LeasedJob> jobs) {
        if (jobs.isEmpty()) {
            return;
        }
        // Counted before they can be taken, so free() never counts a leased job's slot as free.
        leased.addAll(jobs);
        waiting.addAll(jobs);
        startRunner();
    }

    /** Stops starting jobs: those still waiting stay in {@link #jobs()} for the shutdown to give back. */
    void close() {
        closed = true;
    }

    private void startRunner() {
        if (closed || waiting.isEmpty() || !starting.compareAndSet(false, true)) {
            return;
        }
        int n;
        do {
            n = runners.get();
            if (n >= concurrency) {
                starting.set(false);
                return;
            }
        } while (!runners.compareAndSet(n, n + 1));
        try {
            executor.execute(this::runJobs);
        } catch (RejectedExecutionException shuttingDown) {
            runners.decrementAndGet();
            starting.set(false);
        }
    }

    private void runJobs() {
        starting.set(false);
        try {
            for (LeasedJob job; !closed && (job = waiting.poll()) != null; ) {
                startRunner();
                run(job);
            }
        } finally {
            runners.decrementAndGet();
        }
        // A job queued after the last poll may have found this runner still counted and started none.
        startRunner();
    }

    private void run(LeasedJob job) {
        if (job.isLeaseLost()) {
            // Stopped, or given back, while it waited for a runner: it must not start at all.
            leased.remove(job);
            return;
        }
        job.thread(Thread.currentThread());
        Completion c = null;
        try {
            if (FaultPoints.ENABLED) {
                FaultPoints.reach(FaultPoints.JOB_BEFORE_RUN);
            }
            c = body.apply(job);
        } finally {
            job.thread(null);
            // An interrupt meant for this job (timeout, stop) must not reach the next one.
            Thread.interrupted();
            leased.remove(job);
        }
        if (c != null) {
            if (FaultPoints.ENABLED) {
                FaultPoints.reach(FaultPoints.JOB_AFTER_RUN);
            }
            sink.accept(c);
        }
    }
}
