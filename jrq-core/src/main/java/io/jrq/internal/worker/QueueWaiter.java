package io.jrq.internal.worker;

import io.jrq.internal.redis.BlockingConnection;
import io.jrq.internal.redis.Redis;
import io.jrq.internal.redis.ScriptGateway;
import io.jrq.internal.redis.ScriptGateway.FetchReply;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blocks on one queue's ready list, on a connection of its own, while the worker is idle, so that
 * idle workers block instead of polling.
 *
 * <p>It uses {@code BLMOVE ready ready RIGHT RIGHT}: moving the last element to the end of the same
 * list changes nothing, so the command is a pure "wait until not empty" that cannot lose a wake-up
 * (it returns at once when jobs are already waiting). The job itself is leased by the fetch script,
 * so a waiter never owns a job and a dead one loses nothing.
 *
 * <p>A worker with one queue leases behind the wait: the waiter claims the {@link IdleSignal} when
 * it sends the {@code BLMOVE}, and sends the fetch right behind it on the same connection
 * ({@link IdleLeaser#fetchBehindWait}). Redis runs the fetch as soon as the wait returns, so a job that
 * lands on an idle worker is leased in the same round trip as its wake-up; the replies are handled
 * on the Redis I/O thread, which dispatches the jobs and sends the next pair.
 *
 * <p>A worker with several queues cannot commit a fetch in advance on each of them (together they
 * would lease more jobs than it has free slots): its waiters send the {@code BLMOVE} alone, and the
 * one whose reply claims the signal starts an idle fetch over all the queues in priority order
 * ({@link IdleLeaser#fetchWhileIdle}), from the I/O thread too.
 *
 * <p>The waiter's thread only paces the waits: it starts a wait once the loop has armed the signal
 * and waits until the signal is handed back.
 */
final class QueueWaiter implements Runnable, IdleLeaser.Waiter {
    private static final Logger log = LoggerFactory.getLogger(QueueWaiter.class);
    private static final double BLOCK_SECONDS = 1.0;
    /** The least time between two barriers of {@link #settle()}. */
    private static final long SETTLE_PAUSE_MS = 100;

    private final String queue;
    private final Set<String> blocked;
    private final String readyKey;
    private final BlockingConnection blocking;
    private final IdleSignal idle;
    private final IdleLeaser leaser;
    private final boolean fetchBehind;
    private final double blockSeconds;
    private final Redis shared;
    /** This connection's id on the server, to unblock its wait at shutdown; -1 when unknown (a cluster, or refused). */
    private final long clientId;

    private volatile CompletableFuture<Void> chain;
    private volatile boolean running = true;

    /**
     * @param blocking the waiter's own connection
     * @param fetchBehind true for a worker with one queue: send the fetch behind each wait
     * @param commandTimeoutMs the client's command timeout: a fetch sent behind a wait must be
     *     answered within it, so the wait blocks at most half of it (and at most 1 s)
     * @param shared the client's shared connection, used to unblock the wait at shutdown
     */
    QueueWaiter(
            String queue,
            String readyKey,
            BlockingConnection blocking,
            IdleSignal idle,
            IdleLeaser leaser,
            Set<String> blocked,
            boolean fetchBehind,
            long commandTimeoutMs,
            Redis shared) {
        this.queue = queue;
        this.blocked = blocked;
        this.readyKey = readyKey;
        this.blocking = blocking;
        this.idle = idle;
        this.leaser = leaser;
        this.fetchBehind = fetchBehind;
        this.blockSeconds =
                fetchBehind ? Math.max(0.01, Math.min(BLOCK_SECONDS, commandTimeoutMs / 2000.0)) : BLOCK_SECONDS;
        this.shared = shared;
        this.clientId = fetchBehind ? clientIdOf(blocking) : -1;
    }

    /** @return the queue or partition it waits on */
    String queue() {
        return queue;
    }

    /** @return true when it sends the fetch behind its wait (a worker with one queue) */
    boolean fetchesBehind() {
        return fetchBehind;
    }

    private static long clientIdOf(BlockingConnection blocking) {
        try {
            return blocking.clientId();
        } catch (RuntimeException e) {
            log.debug("CLIENT ID refused; a worker shutdown will wait for its BLMOVE to time out: {}", e.toString());
            return -1;
        }
    }

    @Override
    public void run() {
        long backoff = 100;
        while (running) {
            try {
                if (!idle.awaitArmed(1000)) {
                    continue;
                }
                if (blocked.contains(queue)) {
                    Thread.sleep(50);
                    continue;
                }
                if (fetchBehind) {
                    if (!idle.claim()) {
                        continue;
                    }
                    // Published before anything is sent: stop() either sees it or stops the send.
                    CompletableFuture<Void> c = new CompletableFuture<>();
                    chain = c;
                    leaser.fetchBehindWait(queue, this, c);
                    c.get();
                } else {
                    // Waits for the callback's stage, not the reply itself, so the next BLMOVE is only
                    // sent once this one's claim (if any) is made.
                    sendWait()
                            .thenAccept(moved -> {
                                if (moved != null && idle.claim()) {
                                    leaser.fetchWhileIdle();
                                }
                            })
                            .get();
                }
                backoff = 100;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | ExecutionException e) {
                if (!running) {
                    return;
                }
                log.debug("waiting on {} failed, retrying in {} ms: {}", readyKey, backoff, e.toString());
                sleep(backoff);
                backoff = Math.min(backoff * 2, 2000);
            }
        }
    }

    @Override
    public boolean go() {
        return running;
    }

    @Override
    public CompletableFuture<String> sendWait() {
        return blocking.blmove(readyKey, blockSeconds);
    }

    @Override
    public CompletableFuture<FetchReply> sendFetch(ScriptGateway.Fetch fetch) {
        return fetch.run(blocking);
    }

    /**
     * Sends a barrier behind what this connection carries until one is answered: while Redis does
     * not answer (asleep, or a failover), each barrier times out like the fetch did and the next
     * one goes behind it. Ends early once the waiter stops.
     */
    @Override
    public CompletableFuture<Void> settle() {
        CompletableFuture<Void> settled = new CompletableFuture<>();
        settleStep(settled);
        return settled;
    }

    private void settleStep(CompletableFuture<Void> settled) {
        if (!running) {
            settled.complete(null);
            return;
        }
        long sent = System.nanoTime();
        CompletableFuture<Long> barrier;
        try {
            barrier = blocking.barrier(readyKey);
        } catch (RuntimeException e) {
            barrier = CompletableFuture.failedFuture(e);
        }
        barrier.whenComplete((length, error) -> {
            if (error == null) {
                settled.complete(null);
                return;
            }
            log.debug("waiting for the commands before it on {} failed, trying again: {}", readyKey, error.toString());
            // A barrier refused at once (the connection is down) is sent again after a pause, not in a spin.
            long pause = Math.max(0, SETTLE_PAUSE_MS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent));
            CompletableFuture.delayedExecutor(pause, TimeUnit.MILLISECONDS).execute(() -> settleStep(settled));
        });
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops waiting and closes the connection. A fetch sent behind a wait is not cut off: it may
     * already have leased jobs, whose reply must be read (they run, or the shutdown gives them
     * back). So the wait is unblocked ({@code CLIENT UNBLOCK}, or its own timeout where that is not
     * possible) and its fetch answered before the connection closes.
     */
    void stop() {
        running = false;
        CompletableFuture<Void> c = chain;
        if (c != null && !c.isDone()) {
            if (clientId >= 0) {
                try {
                    blocking.unblock(shared, clientId);
                } catch (RuntimeException e) {
                    log.debug("could not unblock the wait on {}: {}", readyKey, e.toString());
                }
            }
            try {
                c.get((long) (blockSeconds * 1000) + 2000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                log.debug("the last fetch behind the wait on {} did not end cleanly: {}", readyKey, e.toString());
            }
        }
        try {
            blocking.close();
        } catch (RuntimeException e) {
            log.debug("closing the blocking connection of {} failed", readyKey, e);
        }
    }
}
