package io.jrq.internal.worker;

import io.jrq.JrqOptions;
import io.jrq.internal.redis.Dependencies;
import io.jrq.internal.redis.ScriptGateway;
import io.jrq.internal.redis.ScriptGateway.FetchReply;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's fetch loop: one thread that acknowledges finished jobs and leases new ones with one
 * {@code fetch.lua} call per queue per round. While a call is in flight, more jobs finish, so under
 * load each call carries a batch of completions and fetches a batch of jobs: the cost per job falls
 * as the load rises. Queues are tried in priority order; a lower one is asked only for the slots a
 * higher one could not fill.
 *
 * <p>While the loop sleeps with free slots it arms the {@link IdleSignal}; a queue waiter claims it
 * and leases without waking the loop: behind its wait ({@link #fetchBehindWait}, a worker with one
 * queue) or once its wait returns ({@link #fetchWhileIdle}). While a waiter holds the signal the
 * loop only sends outcomes; it leases again once the signal is handed back. So one party leases at
 * a time, and a fetch never leases more jobs than there are free slots.
 */
final class Fetcher implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Fetcher.class);
    /** The most jobs leased by one call; bounds the script's run time. */
    private static final int MAX_BATCH = 200;
    /** The longest an idle worker sleeps between fetch rounds; queue waiters wake it earlier. */
    private static final long IDLE_WAIT_MS = 1000;

    private final WorkerConfig config;
    private final ScriptGateway scripts;
    private final Slots slots;
    private final IdleSignal idle;
    private final Semaphore wake;
    private final ConcurrentLinkedQueue<Completion> done = new ConcurrentLinkedQueue<>();
    private final Map<String, List<Completion>> unsent = new HashMap<>();
    /** Last warning time per bad-record warning; written by the loop and by idle fetches on I/O threads. */
    private final Map<String, Long> warned = new java.util.concurrent.ConcurrentHashMap<>();

    private final Set<String> blocked;
    private final Dependencies dependencies;
    /** The fixed ARGV of this worker's fetches; the payload limit in it: producers are held to it, and a worker checks it too, since a bad producer is the threat. */
    private final ScriptGateway.FetchSettings settings;

    private volatile boolean fetching = true;
    /** Set by the loop around a round that may lease; with the claimed idle signal, tells the shutdown a lease may be in flight. */
    private volatile boolean leasingRound;

    private volatile boolean stopped;
    private volatile boolean drained;
    /** A fetch that may lease failed: Redis may have leased jobs whose reply this worker never read. */
    private volatile boolean unread;
    /** The longest the loop may sleep before something scheduled falls due; set by each round. */
    private long nextWaitMs;

    /**
     * @param blocked queues that are paused or at a limit, shared with the queue waiters, which must
     *     not wait on them (their ready lists are not empty, so the wait would return at once)
     */
    Fetcher(
            WorkerConfig config,
            JrqOptions options,
            ScriptGateway scripts,
            Slots slots,
            IdleSignal idle,
            Semaphore wake,
            Set<String> blocked,
            Dependencies dependencies) {
        this.blocked = blocked;
        this.dependencies = dependencies;
        this.config = config;
        this.scripts = scripts;
        this.slots = slots;
        this.idle = idle;
        this.wake = wake;
        this.settings = new ScriptGateway.FetchSettings(
                config.name(),
                config.lease().toMillis(),
                options.failedJobsMax(),
                options.finishedJobsMax(),
                options.maxPayloadBytes());
    }

    /** Queues an outcome for the next round and wakes the loop. */
    void completed(Completion c) {
        done.add(c);
        wake.release();
    }

    /** Stop leasing new jobs; keep acknowledging. */
    void stopFetching() {
        fetching = false;
        wake.release();
    }

    /**
     * Waits until no fetch that may lease is in flight (a round begun before {@link #stopFetching},
     * or an idle fetch), so that the shutdown sees every job this worker will ever lease.
     *
     * @param deadlineNanos {@link System#nanoTime} to give up at
     */
    void awaitNoLeaseInFlight(long deadlineNanos) {
        // Polled, like the grace period: this runs once, at shutdown.
        while ((leasingRound || idle.claimed()) && System.nanoTime() < deadlineNanos) {
            pause(5);
        }
    }

    /** End the loop once every outcome has been sent. */
    void stop() {
        stopped = true;
        wake.release();
    }

    /** @return true when burst mode found nothing left to do */
    boolean drained() {
        return drained;
    }

    @Override
    public void run() {
        long backoff = 0;
        boolean holdsSignal = idle.takeUnlessClaimed();
        while (true) {
            for (Completion c; (c = done.poll()) != null; ) {
                unsent.computeIfAbsent(c.job().queue(), q -> new ArrayList<>()).add(c);
            }
            if (stopped && unsent.isEmpty() && done.isEmpty()) {
                return;
            }
            int leased;
            // Flag first, then read: a shutdown that clears fetching and then reads the flag either
            // sees this round or is seen by it.
            leasingRound = holdsSignal;
            boolean mayLease = fetching && holdsSignal;
            leasingRound = mayLease;
            try {
                if (unread && holdsSignal) {
                    giveBackUnclaimed();
                }
                leased = round(mayLease);
                backoff = 0;
            } catch (RuntimeException e) {
                if (mayLease) {
                    unread = true;
                }
                leasingRound = false;
                backoff = backoff == 0 ? 100 : Math.min(backoff * 2, 2000);
                log.warn("worker {}: fetch failed, retrying in {} ms: {}", config.name(), backoff, e.toString());
                pause(backoff);
                holdsSignal = idle.takeUnlessClaimed();
                continue;
            }
            leasingRound = false;
            if (leased > 0) {
                continue;
            }
            if (config.burst()
                    && holdsSignal
                    && fetching
                    && slots.running() == 0
                    && unsent.isEmpty()
                    && done.isEmpty()) {
                drained = true;
                fetching = false;
                return;
            }
            if (holdsSignal && fetching && slots.free() > 0) {
                idle.arm();
            }
            try {
                wake.tryAcquire(Math.max(1, nextWaitMs), TimeUnit.MILLISECONDS);
                wake.drainPermits();
                // While a waiter holds the signal (its fetch is in flight, or waits behind its
                // BLMOVE) the loop only sends outcomes, so that two parties never lease at once.
                holdsSignal = idle.takeUnlessClaimed();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** @return how many jobs were leased */
    private int round(boolean mayLease) {
        nextWaitMs = IDLE_WAIT_MS;
        int leased = 0;
        // Once a queue fills every slot asked for, lower queues only get their completions sent:
        // slots freed meanwhile belong to the higher queue in the next round (strict priority).
        boolean lowerMayFetch = mayLease;
        for (String queue : config.queueOrder()) {
            List<Completion> acks = unsent.getOrDefault(queue, List.of());
            int want = lowerMayFetch ? Math.min(slots.free(), MAX_BATCH) : 0;
            if (acks.isEmpty() && want == 0) {
                continue;
            }
            List<LeasedJob> jobs = call(queue, acks, want);
            unsent.remove(queue);
            slots.dispatch(jobs);
            leased += jobs.size();
            if (want > 0 && jobs.size() >= want) {
                lowerMayFetch = false;
            }
        }
        return leased;
    }

    private List<LeasedJob> call(String queue, List<Completion> acks, int want) {
        ScriptGateway.Fetch fetch = scripts.fetch(queue, settings, acks, want);
        if (FaultPoints.ENABLED) {
            FaultPoints.reach(FaultPoints.FETCH_BEFORE_SEND);
        }
        FetchReply reply = fetch.call();
        if (FaultPoints.ENABLED) {
            FaultPoints.reach(FaultPoints.FETCH_AFTER_REPLY);
        }
        Reply r = parse(queue, acks, reply);
        if (r.waitMs() >= 0 && r.waitMs() < nextWaitMs) {
            nextWaitMs = r.waitMs();
        }
        return r.jobs();
    }

    /**
     * Leases jobs for an idle worker, without the fetch loop: called by the queue waiter that claimed
     * the idle signal, on the Redis I/O thread that delivered its wake-up. The fetch is sent from
     * there and its reply dispatches the jobs from there too, so an idle pickup costs one round trip
     * after the wake-up and one thread wake-up (the job's). Queues are asked in the loop's order,
     * each for the slots the higher ones left, exactly as a round without completions. The fetch
     * loop gets the idle signal back when the fetch ends; it wakes only when it has work of its own.
     */
    void fetchWhileIdle() {
        if (!fetching) {
            handBack(true);
            return;
        }
        idleStep(config.queueOrder(), 0, Math.min(slots.free(), MAX_BATCH), false);
    }

    private void idleStep(List<String> order, int index, int want, boolean leasedAny) {
        if (index >= order.size() && leasedAny && want > 0 && fetching && done.isEmpty()) {
            // Like the loop after a round that leased: ask again at once, so a job that arrived
            // while this fetch was in flight does not wait for a new BLMOVE. Outcomes to send end
            // the chain: they are the loop's, and it must not wait behind a stream of arrivals.
            fetchWhileIdle();
            return;
        }
        if (index >= order.size() || want <= 0 || !fetching) {
            handBack(false);
            return;
        }
        String queue = order.get(index);
        int next = index + 1;
        CompletableFuture<FetchReply> pending;
        try {
            ScriptGateway.Fetch fetch = scripts.fetch(queue, settings, List.of(), want);
            if (FaultPoints.ENABLED) {
                FaultPoints.reach(FaultPoints.FETCH_BEFORE_SEND);
            }
            pending = fetch.run();
        } catch (RuntimeException e) {
            handBack(true);
            return;
        }
        pending.whenComplete((reply, error) -> {
            Reply r = dispatchIdle(queue, reply, error, "idle fetch", e -> {});
            if (r == null) {
                return;
            }
            if (r.waitMs() >= 0 && r.waitMs() < IDLE_WAIT_MS) {
                // Something falls due soon (a delayed job, a rate limit): the loop must time it.
                handBack(true);
                return;
            }
            idleStep(order, next, want - r.jobs().size(), leasedAny || !r.jobs().isEmpty());
        });
    }

    /**
     * Reads an idle fetch's reply and dispatches its jobs, on the I/O thread that delivered it.
     *
     * @param what which idle fetch, for the log
     * @param failed told of the failure when the call or the reply failed
     * @return the reply, or null after a failure: the signal has then been handed back, since it
     *     must always come back or the loop would wait for it for ever
     */
    private Reply dispatchIdle(
            String queue,
            FetchReply reply,
            Throwable error,
            String what,
            java.util.function.Consumer<Throwable> failed) {
        if (error != null) {
            unread = true;
            log.debug(
                    "worker {}: {} from {} failed; the fetch loop takes over: {}",
                    config.name(),
                    what,
                    queue,
                    error.toString());
            handBack(true);
            failed.accept(error);
            return null;
        }
        try {
            if (FaultPoints.ENABLED) {
                FaultPoints.reach(FaultPoints.FETCH_AFTER_REPLY);
            }
            Reply r = parse(queue, List.of(), reply);
            slots.dispatch(r.jobs());
            return r;
        } catch (RuntimeException e) {
            log.warn("worker {}: {} from {} failed: {}", config.name(), what, queue, e.toString());
            handBack(true);
            failed.accept(e);
            return null;
        }
    }

    /**
     * Ends an idle fetch. Unless the loop is needed (a failure, something falling due, a stop, or
     * outcomes to send), it stays asleep: the waiters are armed again while slots are free, and the
     * leased jobs wake the loop when they complete.
     */
    private void handBack(boolean needLoop) {
        idle.handBack(!needLoop && fetching && slots.free() > 0);
        if (needLoop || !done.isEmpty()) {
            wake.release();
        }
    }

    /**
     * For a worker with one queue: leases behind a wait. Called by the queue's waiter once it has
     * claimed the idle signal. {@code sendWait} sends its {@code BLMOVE} on the waiter's own
     * connection, and {@code sendFetch} the fetch right behind it on the same one (pipelined).
     * Redis holds the fetch until the {@code BLMOVE} returns and then runs it at once, so a job
     * that lands is leased without another round trip; the reply, on the I/O thread, dispatches the jobs and sends the
     * next pair while the waiter keeps the signal. The chain ends, handing the signal back, when no
     * slot is free, the queue is blocked, something falls due soon, the worker stops, a call fails,
     * or jobs were leased while outcomes wait: those are the loop's to send, with its next lease, as
     * after an idle fetch.
     *
     * @param sendFetch sends a fetch on the waiter's connection, where it must follow the wait
     * @param sendWait sends the wait and returns its pending reply
     * @param go false once the waiter is stopping: checked before each pair is sent
     * @param end completed once the signal is handed back; failed when a call failed
     */
    void fetchBehindWait(
            String queue,
            Function<ScriptGateway.Fetch, CompletableFuture<FetchReply>> sendFetch,
            Supplier<CompletableFuture<?>> sendWait,
            BooleanSupplier go,
            CompletableFuture<Void> end) {
        pair(queue, sendFetch, sendWait, go, end);
    }

    private void pair(
            String queue,
            Function<ScriptGateway.Fetch, CompletableFuture<FetchReply>> sendFetch,
            Supplier<CompletableFuture<?>> sendWait,
            BooleanSupplier go,
            CompletableFuture<Void> end) {
        int want = Math.min(slots.free(), MAX_BATCH);
        if (!fetching || !go.getAsBoolean() || want <= 0 || blocked.contains(queue)) {
            handBack(!fetching);
            end.complete(null);
            return;
        }
        CompletableFuture<?> waited;
        CompletableFuture<FetchReply> pending;
        try {
            ScriptGateway.Fetch fetch = scripts.fetch(queue, settings, List.of(), want);
            if (FaultPoints.ENABLED) {
                FaultPoints.reach(FaultPoints.FETCH_BEFORE_SEND);
            }
            waited = sendWait.get();
            pending = sendFetch.apply(fetch);
        } catch (RuntimeException e) {
            handBack(true);
            end.completeExceptionally(e);
            return;
        }
        pending.whenComplete((reply, error) -> {
            Reply r = dispatchIdle(queue, reply, error, "fetch behind the wait", end::completeExceptionally);
            if (r == null) {
                return;
            }
            // The wait's reply came first on the same connection. A wait that failed (not a list,
            // a refused command) returns at once each time: the waiter must back off.
            if (waited.isCompletedExceptionally()) {
                handBack(true);
                end.completeExceptionally(waited.handle((v, e) -> e).join());
                return;
            }
            if (r.waitMs() >= 0 && r.waitMs() < IDLE_WAIT_MS) {
                // Something falls due soon (a delayed job, a rate limit): the loop must time it.
                handBack(true);
                end.complete(null);
                return;
            }
            if (!r.jobs().isEmpty() && !done.isEmpty()) {
                handBack(true);
                end.complete(null);
                return;
            }
            pair(queue, sendFetch, sendWait, go, end);
        });
    }

    /**
     * After a fetch failed: gives back the jobs Redis leased to this worker that it does not hold
     * ({@code unclaimed.lua}). Runs from the loop while it holds the idle signal, so no other fetch
     * of this worker is in flight; the failed one, if Redis ran it at all, ran before this call on
     * the same connection. Jobs that ended but whose outcome is not yet recorded are held too.
     */
    private void giveBackUnclaimed() {
        for (String queue : config.queues()) {
            // Held: running or waiting to run, and also ended with the outcome not yet recorded.
            List<LeasedJob> held = new ArrayList<>(slots.jobs());
            done.forEach(c -> held.add(c.job()));
            unsent.getOrDefault(queue, List.of()).forEach(c -> held.add(c.job()));
            held.removeIf(job -> !job.queue().equals(queue));
            List<String> given = scripts.unclaimed(queue, config.name(), held);
            if (!given.isEmpty()) {
                log.info(
                        "worker {}: gave back {} job(s) in {} leased by a fetch whose reply was lost: {}",
                        config.name(),
                        given.size(),
                        queue,
                        given);
            }
        }
        unread = false;
    }

    /** What one fetch call returned: the jobs leased, and how long until something falls due (or -1). */
    private record Reply(List<LeasedJob> jobs, long waitMs) {}

    private Reply parse(String queue, List<Completion> acks, FetchReply reply) {
        for (int j = 0; j < acks.size(); j++) {
            if (!reply.accepted(j)) {
                log.warn(
                        "worker {}: outcome of job {} in {} not recorded: its lease had ended (the job was taken over, or had already ended)",
                        config.name(),
                        acks.get(j).job().id(),
                        queue);
            }
        }
        int n = reply.jobCount();
        List<LeasedJob> jobs = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
            jobs.add(new LeasedJob(
                    queue, reply.id(j), reply.payload(j), reply.token(j), reply.attempt(j), reply.waitedMs(j)));
        }
        if (reply.blocked()) {
            blocked.add(queue);
        } else {
            blocked.remove(queue);
        }
        // Only completions release dependents; idle fetches (on an I/O thread, which must not block)
        // carry none, so this never runs there.
        if (!reply.released().isEmpty()) {
            dependencies.release(reply.released());
        }
        if (!reply.suspects().isEmpty()) {
            Set<String> ids = new java.util.HashSet<>(reply.suspects());
            jobs.forEach(j -> {
                if (ids.contains(j.id())) {
                    j.markSuspect();
                }
            });
        }
        if (!reply.warnings().isEmpty()) {
            long now = System.nanoTime();
            for (String w : reply.warnings()) {
                // Once a minute per problem: the record is met again by every round until someone fixes it.
                Long last = warned.get(w);
                if (last == null || now - last > TimeUnit.MINUTES.toNanos(1)) {
                    warned.put(w, now);
                    log.warn(
                            "worker {}: queue {}: skipped a bad record: {}",
                            config.name(),
                            queue,
                            io.jrq.internal.LogText.printable(w));
                }
            }
        }
        return new Reply(jobs, reply.waitMs());
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
