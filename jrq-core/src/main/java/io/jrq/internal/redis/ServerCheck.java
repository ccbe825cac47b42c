package io.jrq.internal.redis;

import io.jrq.JrqException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the server a worker is about to use. An evicting {@code maxmemory-policy} can silently
 * delete queued jobs, which breaks the promise that nothing is lost, so a worker refuses an
 * {@code allkeys-*} policy unless told otherwise, and warns about {@code volatile-*} policies (which
 * only evict keys with a TTL: ended jobs and results, time-limited unique keys and rate-limit
 * windows, never queued jobs).
 */
public final class ServerCheck {
    private static final Logger log = LoggerFactory.getLogger(ServerCheck.class);

    private ServerCheck() {}

    /**
     * @param redis the connection
     * @param allowEviction start anyway on an allkeys-* policy (with a warning)
     * @throws JrqException on an allkeys-* policy when not allowed
     */
    public static void checkEviction(Redis redis, boolean allowEviction) {
        String policy = maxmemoryPolicy(redis);
        if (policy == null || "noeviction".equals(policy)) {
            return;
        }
        String where = "Redis at " + redis.endpoint().describe() + " has maxmemory-policy " + policy;
        if (policy.startsWith("allkeys-")) {
            if (!allowEviction) {
                throw new JrqException(
                        where + ", so it may delete queued jobs when memory runs out. Set maxmemory-policy"
                                + " noeviction (or a volatile-* policy), or start the worker with allowEvictingRedis(true) to accept"
                                + " losing jobs");
            }
            log.warn("{}: queued jobs may be deleted when memory runs out (allowed by allowEvictingRedis)", where);
        } else {
            log.warn("{}: results and ended jobs (which have a TTL) may be evicted early; queued jobs are safe", where);
        }
    }

    static String maxmemoryPolicy(Redis redis) {
        String info = redis.await(redis.async().info("memory"));
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("maxmemory_policy:")) {
                return line.substring("maxmemory_policy:".length()).trim();
            }
        }
        return null;
    }
}
