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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
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
 * and leases without waking the loop, through the {@link IdleLeaser}: behind its wait (a worker with
 * one queue) or once its wait returns. While a waiter holds the signal the loop only sends outcomes;
 * it leases again once the signal is handed back. So one party leases at a time, and a fetch never
 * leases more jobs than there are free slots. Every party reads its replies with
 * {@link FetchReplies}.
 */
final class Fetcher implements Runnable, IdleLeaser.Loop {
    private static final Logger log = LoggerFactory.getLogger(Fetcher.class);
    /** The most jobs leased by one call; bounds the script's run time. */
    static final int MAX_BATCH = 200;
    /** The longest an idle worker sleeps between fetch rounds; queue waiters wake it earlier. */
    static final long IDLE_WAIT_MS = 1000;
    /** The longest a round on a cluster waits for one queue's fetch, at most half the command timeout. */
    static final long BOUNDED_WAIT_MS = 2000;

    private final WorkerConfig config;
    private final ScriptGateway scripts;
    private final Slots slots;
    private final IdleSignal idle;
    private final Semaphore wake;
    private final ConcurrentLinkedQueue<Completion> done = new ConcurrentLinkedQueue<>();
    private final Map<String, List<Completion>> unsent = new HashMap<>();
    private final FetchReplies replies;
    private final IdleLeaser idleLeaser;
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
    /** On a cluster: how long a round waits for one queue's fetch (see {@link #awaitBounded}). */
    private final long boundedWaitMs;

    private final boolean onCluster;

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
        this.onCluster = scripts.onCluster();
        this.boundedWaitMs =
                Math.max(100, Math.min(BOUNDED_WAIT_MS, options.commandTimeout().toMillis() / 2));
        this.replies = new FetchReplies(config, blocked, dependencies);
        this.idleLeaser = new IdleLeaser(
                config, scripts, settings, slots, idle, blocked, replies, this, onCluster ? boundedWaitMs : 0);
    }

    /** @return the leases for an idle worker, which the queue waiters start */
    IdleLeaser idleLeaser() {
        return idleLeaser;
    }

    @Override
    public boolean fetching() {
        return fetching;
    }

    @Override
    public boolean hasOutcomes() {
        return !done.isEmpty();
    }

    @Override
    public void fetchFailed() {
        unread = true;
    }

    @Override
    public void wake() {
        wake.release();
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
        List<String> order = config.served().order();
        for (String queue : order) {
            if (order.size() > 1 && !scripts.reachable(queue)) {
                // Its master is gone until the cluster fails it over: the others must not wait on it.
                // Its outcomes stay unsent until it is back.
                continue;
            }
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
        FetchReply reply = onCluster && config.served().all().size() > 1 ? awaitBounded(queue, fetch) : fetch.call();
        if (FaultPoints.ENABLED) {
            FaultPoints.reach(FaultPoints.FETCH_AFTER_REPLY);
        }
        FetchReplies.Reply r = replies.parse(queue, acks, reply);
        if (r.waitMs() >= 0 && r.waitMs() < nextWaitMs) {
            nextWaitMs = r.waitMs();
        }
        return r.jobs();
    }

    /**
     * A fetch on a cluster, for a worker serving several queues or partitions: a master killed while
     * the fetch was on its way answers nothing until the cluster fails it over, and the round must not
     * wait for that while the other masters have jobs. The reply is awaited for at most
     * {@link #boundedWaitMs}; past it the round fails like any failed fetch (its outcomes are sent
     * again, jobs it may have leased are given back by {@code unclaimed.lua} once that master answers,
     * or return when their lease expires), and the next rounds skip the master while it is down.
     */
    private FetchReply awaitBounded(String queue, ScriptGateway.Fetch fetch) {
        try {
            return fetch.run().get(boundedWaitMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new io.jrq.RedisUnavailableException(
                    "the fetch from " + queue + " was not answered within " + boundedWaitMs
                            + " ms; its master may be down, the other queues are served meanwhile",
                    e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r
                    ? r
                    : new io.jrq.RedisUnavailableException("the fetch from " + queue + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new io.jrq.RedisUnavailableException("interrupted while fetching from " + queue, e);
        }
    }

    /**
     * After a fetch failed: gives back the jobs Redis leased to this worker that it does not hold
     * ({@code unclaimed.lua}). Runs from the loop while it holds the idle signal, so no other fetch
     * of this worker is in flight; the failed one, if Redis ran it at all, ran before this call on
     * the same connection. Jobs that ended but whose outcome is not yet recorded are held too.
     */
    private void giveBackUnclaimed() {
        boolean skipped = false;
        for (String queue : config.served().all()) {
            if (config.served().all().size() > 1 && !scripts.reachable(queue)) {
                // Asked again after the next failure, or by the round after it is back: until then
                // what that master leased to this worker waits there, where no one else takes it.
                skipped = true;
                continue;
            }
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
        unread = skipped;
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
