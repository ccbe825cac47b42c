package io.jrq.internal.worker;

import io.lettuce.core.LMoveArgs;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.Set;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blocks on one queue's ready list, on a connection of its own, while the worker is idle, and wakes
 * the fetcher as soon as a job is there: idle workers block instead of polling.
 *
 * <p>It uses {@code BLMOVE ready ready RIGHT RIGHT}: moving the last element to the end of the same
 * list changes nothing, so the command is a pure "wait until not empty" that cannot lose a wake-up
 * (it returns at once when jobs are already waiting). The job itself is then leased by the fetch
 * script, so a waiter never owns a job and a dead one loses nothing.
 */
final class QueueWaiter implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(QueueWaiter.class);
    private static final double BLOCK_SECONDS = 1.0;

    private final String queue;
    private final Set<String> blocked;
    private final String readyKey;
    private final RedisClusterCommands<String, String> blocking;
    private final IdleSignal idle;
    private final Semaphore wake;
    private volatile boolean running = true;

    QueueWaiter(String queue, String readyKey, RedisClusterCommands<String, String> blocking, IdleSignal idle, Semaphore wake,
                Set<String> blocked) {
        this.queue = queue;
        this.blocked = blocked;
        this.readyKey = readyKey;
        this.blocking = blocking;
        this.idle = idle;
        this.wake = wake;
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
                String moved = blocking.blmove(readyKey, readyKey, LMoveArgs.Builder.rightRight(), BLOCK_SECONDS);
                if (moved != null && idle.disarm()) {
                    wake.release();
                }
                backoff = 100;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
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
