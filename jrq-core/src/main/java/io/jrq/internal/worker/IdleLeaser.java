package io.jrq.internal.worker;

import io.jrq.internal.redis.ScriptGateway;
import io.jrq.internal.redis.ScriptGateway.FetchReply;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases for an idle worker, without waking the fetch loop: the party that holds the
 * {@link IdleSignal} once a {@link QueueWaiter} has claimed it (docs/internals.md, "The fetch
 * path"). Two ways, both run on the Redis I/O thread that delivered the waiter's wake-up:
 *
 * <ul>
 *   <li>{@link #fetchWhileIdle}: once a wait returned, one fetch per queue in the loop's order;
 *   <li>{@link #fetchBehindWait}: for a worker with one queue, each fetch pipelined behind the
 *       waiter's next {@code BLMOVE}, so a job that lands is leased without another round trip.
 * </ul>
 *
 * <p>Either ends by handing the signal back to the loop ({@link #handBack}); every path, failures
 * included, does, or the loop would wait for the signal for ever. The loop's own state (whether
 * it may lease, whether outcomes wait to be sent) is read through {@link Loop}.
 */
final class IdleLeaser {
    private static final Logger log = LoggerFactory.getLogger(Fetcher.class);

    /** What an idle lease needs to know of the fetch loop, and how it wakes it. */
    interface Loop {
        /** @return false once the worker stops leasing */
        boolean fetching();

        /** @return whether outcomes wait to be sent: the loop's to send, with its next lease */
        boolean hasOutcomes();

        /** A fetch that may have leased failed: the loop gives back what Redis leased unread. */
        void fetchFailed();

        /** Wakes the loop. */
        void wake();
    }

    /** The waiter whose own connection a fetch behind the wait is pipelined on. */
    interface Waiter {
        /** @return false once the waiter is stopping: checked before each pair is sent */
        boolean go();

        /** Sends the wait ({@code BLMOVE}) on the waiter's connection; returns its pending reply. */
        CompletableFuture<?> sendWait();

        /** Sends the fetch on the waiter's connection, where it must follow the wait. */
        CompletableFuture<FetchReply> sendFetch(ScriptGateway.Fetch fetch);

        /**
         * @return completed once every command sent on the waiter's connection so far has run in
         *     Redis (or the waiter stops): a fetch the client stopped waiting for cannot run after it
         */
        CompletableFuture<Void> settle();
    }

    private final WorkerConfig config;
    private final ScriptGateway scripts;
    private final ScriptGateway.FetchSettings settings;
    private final Slots slots;
    private final IdleSignal idle;
    private final Set<String> blocked;
    private final FetchReplies replies;
    private final Loop loop;
    /** On a cluster, how long an idle fetch of a worker with several queues may take (see Fetcher). */
    private final long boundedWaitMs;

    IdleLeaser(
            WorkerConfig config,
            ScriptGateway scripts,
            ScriptGateway.FetchSettings settings,
            Slots slots,
            IdleSignal idle,
            Set<String> blocked,
            FetchReplies replies,
            Loop loop,
            long boundedWaitMs) {
        this.boundedWaitMs = boundedWaitMs;
        this.config = config;
        this.scripts = scripts;
        this.settings = settings;
        this.slots = slots;
        this.idle = idle;
        this.blocked = blocked;
        this.replies = replies;
        this.loop = loop;
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
        if (!loop.fetching()) {
            handBack(true);
            return;
        }
        idleStep(config.served().order(), 0, Math.min(slots.free(), Fetcher.MAX_BATCH), false);
    }

    private void idleStep(List<String> order, int index, int want, boolean leasedAny) {
        if (index >= order.size() && leasedAny && want > 0 && loop.fetching() && !loop.hasOutcomes()) {
            // Like the loop after a round that leased: ask again at once, so a job that arrived
            // while this fetch was in flight does not wait for a new BLMOVE. Outcomes to send end
            // the chain: they are the loop's, and it must not wait behind a stream of arrivals.
            fetchWhileIdle();
            return;
        }
        if (index >= order.size() || want <= 0 || !loop.fetching()) {
            handBack(false);
            return;
        }
        String queue = order.get(index);
        int next = index + 1;
        if (order.size() > 1 && !scripts.reachable(queue)) {
            // As in the loop's rounds: a partition whose master is gone is skipped, not waited on.
            idleStep(order, next, want, leasedAny);
            return;
        }
        CompletableFuture<FetchReply> pending;
        try {
            ScriptGateway.Fetch fetch = scripts.fetch(queue, settings, List.of(), want);
            if (FaultPoints.ENABLED) {
                FaultPoints.reach(FaultPoints.FETCH_BEFORE_SEND);
            }
            pending = fetch.run();
            if (boundedWaitMs > 0 && order.size() > 1) {
                // A master killed under this fetch answers only after its failover; the signal this
                // fetch holds must come back sooner, so that the loop serves the other queues.
                pending = pending.orTimeout(boundedWaitMs, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        } catch (RuntimeException e) {
            handBack(true);
            return;
        }
        pending.whenComplete((reply, error) -> {
            FetchReplies.Reply r = dispatchIdle(queue, reply, error, "idle fetch", e -> {});
            if (r == null) {
                return;
            }
            if (r.waitMs() >= 0 && r.waitMs() < Fetcher.IDLE_WAIT_MS) {
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
    private FetchReplies.Reply dispatchIdle(
            String queue,
            FetchReply reply,
            Throwable error,
            String what,
            java.util.function.Consumer<Throwable> failed) {
        if (error != null) {
            loop.fetchFailed();
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
            FetchReplies.Reply r = replies.parse(queue, List.of(), reply);
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
        idle.handBack(!needLoop && loop.fetching() && slots.free() > 0);
        if (needLoop || loop.hasOutcomes()) {
            loop.wake();
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
     * <p>A fetch whose reply does not come in time may still be waiting in Redis behind its
     * {@code BLMOVE}, and lease a job that lands later: after the loop's give-back of what was
     * leased unread ({@code unclaimed.lua}), which would then miss it, and that job would wait out
     * its whole lease. So a failure is reported (and the signal handed back) only once the waiter's
     * connection has settled: nothing sent on it before can still run.
     *
     * @param waiter the waiter, whose connection carries the pairs
     * @param end completed once the signal is handed back; failed when a call failed
     */
    void fetchBehindWait(String queue, Waiter waiter, CompletableFuture<Void> end) {
        int want = Math.min(slots.free(), Fetcher.MAX_BATCH);
        if (!loop.fetching() || !waiter.go() || want <= 0 || blocked.contains(queue)) {
            handBack(!loop.fetching());
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
            waited = waiter.sendWait();
            pending = waiter.sendFetch(fetch);
        } catch (RuntimeException e) {
            handBack(true);
            end.completeExceptionally(e);
            return;
        }
        pending.whenComplete((reply, error) -> {
            if (error != null) {
                waiter.settle()
                        .whenComplete((settled, ignored) ->
                                dispatchIdle(queue, null, error, "fetch behind the wait", end::completeExceptionally));
                return;
            }
            FetchReplies.Reply r =
                    dispatchIdle(queue, reply, null, "fetch behind the wait", end::completeExceptionally);
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
            if (r.waitMs() >= 0 && r.waitMs() < Fetcher.IDLE_WAIT_MS) {
                // Something falls due soon (a delayed job, a rate limit): the loop must time it.
                handBack(true);
                end.complete(null);
                return;
            }
            if (!r.jobs().isEmpty() && loop.hasOutcomes()) {
                handBack(true);
                end.complete(null);
                return;
            }
            fetchBehindWait(queue, waiter, end);
        });
    }
}
