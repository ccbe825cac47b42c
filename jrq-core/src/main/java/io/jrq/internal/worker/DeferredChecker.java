package io.jrq.internal.worker;

import io.jrq.internal.Keys;
import io.jrq.internal.redis.Commands;
import io.jrq.internal.redis.Commands.Scored;
import io.jrq.internal.redis.Dependencies;
import io.jrq.internal.redis.Redis;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-checks DEFERRED jobs against their dependencies, so a dependent is never stranded.
 *
 * <p>Releasing dependents is a second step after the script that ends a job (they may live in
 * another cluster slot). If the process dies between the two, or a dependency is deleted, nothing
 * would tell the dependents. This sweep walks each queue's deferred set, a batch per round, and
 * registers every job old enough once more with the dependencies it still waits for:
 * {@code depend.lua} answers how each one ended (or that it is gone) and the usual release follows.
 * Both steps are idempotent, so a check that races a normal release changes nothing.
 */
final class DeferredChecker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(DeferredChecker.class);
    /** Jobs checked per queue per round: bounds the work however many jobs wait. */
    static final int BATCH = 100;

    private final WorkerConfig config;
    private final Redis redis;
    private final Keys keys;
    private final Dependencies dependencies;
    private final long minAgeMs;
    /** Where the walk through each queue's deferred set goes on next round (a rank). */
    private final Map<String, Long> cursor = new HashMap<>();

    /**
     * @param minAgeMs jobs deferred for less than this are left to the normal release
     */
    DeferredChecker(WorkerConfig config, Redis redis, Keys keys, Dependencies dependencies, long minAgeMs) {
        this.config = config;
        this.redis = redis;
        this.keys = keys;
        this.dependencies = dependencies;
        this.minAgeMs = minAgeMs;
    }

    @Override
    public void run() {
        for (String queue : config.served().all()) {
            try {
                check(queue);
            } catch (RuntimeException e) {
                log.warn("worker {}: checking deferred jobs of {} failed: {}", config.name(), queue, e.toString());
            }
        }
    }

    private void check(String queue) {
        long from = cursor.getOrDefault(queue, 0L);
        List<Scored> page =
                redis.await(redis.commands().zrangeWithScores(keys.deferred(queue), from, from + BATCH - 1));
        if (page.isEmpty()) {
            cursor.put(queue, 0L);
            return;
        }
        // Scores are enqueue times on the Redis clock, so the age is measured on that clock too.
        List<String> time = redis.await(redis.commands().time());
        long nowMs = Commands.millis(time);
        int checked = 0;
        for (Scored e : page) {
            if (nowMs - (long) e.score() < minAgeMs) {
                continue;
            }
            String id = e.value();
            List<String> pending =
                    new ArrayList<>(redis.await(redis.commands().smembers(keys.pendingDepsPrefix(queue) + id)));
            if (!pending.isEmpty()) {
                dependencies.register(queue, List.of(id), pending);
                checked++;
            }
        }
        cursor.put(queue, page.size() < BATCH ? 0L : from + BATCH);
        log.debug("worker {}: re-checked {} deferred job(s) of {}", config.name(), checked, queue);
    }
}
