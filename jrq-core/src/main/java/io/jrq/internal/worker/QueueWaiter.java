package io.jrq.internal.worker;

import io.lettuce.core.LMoveArgs;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blocks on one queue's ready list, on a connection of its own, while the worker is idle, and starts
 * an idle fetch as soon as a job is there: idle workers block instead of polling.
 *
 * <p>It uses {@code BLMOVE ready ready RIGHT RIGHT}: moving the last element to the end of the same
 * list changes nothing, so the command is a pure "wait until not empty" that cannot lose a wake-up
 * (it returns at once when jobs are already waiting). The job itself is then leased by the fetch
 * script, so a waiter never owns a job and a dead one loses nothing.
 *
 * <p>The reply is handled where it arrives, on the Redis I/O thread: the waiter that claims the
 * {@link IdleSignal} sends the fetch from there ({@link Fetcher#fetchWhileIdle}), so neither this
 * thread nor the fetch loop sits between the wake-up and the lease. This thread only paces the
 * waits: it sends the next {@code BLMOVE} once the previous one has been handled.
 */
final class QueueWaiter implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(QueueWaiter.class);
    private static final double BLOCK_SECONDS = 1.0;

    private final String queue;
    private final Set<String> blocked;
    private final String readyKey;
    private final RedisClusterCommands<String, String> blocking;
    private final RedisClusterAsyncCommands<String, String> async;
    private final IdleSignal idle;
    private final Runnable idleFetch;
    private volatile boolean running = true;

    /** @param idleFetch run on the I/O thread by the waiter that claimed the idle signal; must not block */
    QueueWaiter(String queue, String readyKey, RedisClusterCommands<String, String> blocking, IdleSignal idle, Runnable idleFetch,
                Set<String> blocked) {
        this.queue = queue;
        this.blocked = blocked;
        this.readyKey = readyKey;
        this.blocking = blocking;
        this.async = asyncOf(blocking);
        this.idle = idle;
        this.idleFetch = idleFetch;
    }

    private static RedisClusterAsyncCommands<String, String> asyncOf(RedisClusterCommands<String, String> blocking) {
        if (blocking instanceof RedisCommands<String, String> c) {
            return c.getStatefulConnection().async();
        }
        return ((io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands<String, String>) blocking).getStatefulConnection().async();
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
                // Waits for the callback's stage, not the reply itself, so the next BLMOVE is only
                // sent once this one's claim (if any) is made.
                async.blmove(readyKey, readyKey, LMoveArgs.Builder.rightRight(), BLOCK_SECONDS).thenAccept(moved -> {
                    if (moved != null && idle.claim()) {
                        idleFetch.run();
                    }
                }).toCompletableFuture().get();
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

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void stop() {
        running = false;
        try {
            if (blocking instanceof RedisCommands<String, String> c) {
                c.getStatefulConnection().close();
            } else if (blocking instanceof io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands<String, String> c) {
                c.getStatefulConnection().close();
            }
        } catch (RuntimeException e) {
            log.debug("closing the blocking connection of {} failed", readyKey, e);
        }
    }
}
