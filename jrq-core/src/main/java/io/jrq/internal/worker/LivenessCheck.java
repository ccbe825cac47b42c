package io.jrq.internal.worker;

import io.jrq.JrqOptions;
import io.jrq.internal.Keys;
import io.jrq.internal.observe.Observers;
import io.jrq.internal.redis.Dependencies;
import io.jrq.internal.redis.Redis;
import io.jrq.internal.redis.ScriptGateway;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quick recovery: notices that another worker's process is gone and gives its jobs back at once,
 * instead of after their lease.
 *
 * <p>Every worker subscribes to its command channel for as long as it lives, and when a process
 * dies the kernel closes its connections, so Redis drops the subscription within milliseconds.
 * This check asks Redis a few times a second how many subscribers each registered worker's channel
 * has ({@code PUBSUB NUMSUB}, which needs no administrative rights, unlike {@code CLIENT LIST}). A
 * worker without one for {@link #GONE_AFTER_MS} is taken for dead, and {@code recover.lua} (which
 * checks the subscription again, atomically) treats each of its jobs as a lost lease. A killed
 * connection is re-established by the client within milliseconds, far below that bound, so a live
 * worker is not taken for dead; one that stays cut off longer is, and its lease tokens then fence
 * it exactly as after an expired lease.
 *
 * <p>After Redis restarts or fails over, every subscription is gone at once and clients reconnect
 * with a backoff of up to 250 ms: a worker is then only taken for dead once it was seen subscribed to
 * this server, or once the server has been up (or seen by this check) for {@link #SETTLE_MS}.
 */
final class LivenessCheck implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(LivenessCheck.class);
    /** How often the check runs. */
    static final long PERIOD_MS = 200;
    /** How long a worker must have no subscription before it is taken for dead. */
    static final long GONE_AFTER_MS = 1000;
    /** Well above the client's longest reconnect backoff (250 ms, see Redis): after it, every live worker is back. */
    static final long SETTLE_MS = 5_000;

    private final WorkerConfig config;
    private final JrqOptions options;
    private final Redis redis;
    private final Keys keys;
    private final ScriptGateway scripts;
    private final Dependencies dependencies;
    private final Observers observers;
    /** Per other worker: when it was first seen without a subscription (nanos), or absent. */
    private final Map<String, Long> missingSince = new HashMap<>();
    /** Workers seen subscribed to the current server. */
    private final Set<String> seen = new java.util.HashSet<>();

    private String runId;
    /** When the last check began (nanos). */
    private long lastCheck = System.nanoTime();
    /** Nanos since which this server is known to be up without a restart or failover. */
    private long epochStart;

    LivenessCheck(
            WorkerConfig config,
            JrqOptions options,
            Redis redis,
            Keys keys,
            ScriptGateway scripts,
            Dependencies dependencies,
            Observers observers) {
        this.observers = observers;
        this.config = config;
        this.options = options;
        this.redis = redis;
        this.keys = keys;
        this.scripts = scripts;
        this.dependencies = dependencies;
    }

    @Override
    public void run() {
        try {
            check();
        } catch (RuntimeException e) {
            // Without this check's own view, "missing all along" can no longer be told from
            // "missing at two moments": start over.
            missingSince.clear();
            log.debug("worker {}: liveness check failed: {}", config.name(), e.toString());
        }
    }

    private void check() {
        long now = System.nanoTime();
        if (now - lastCheck > TimeUnit.MILLISECONDS.toNanos(3 * PERIOD_MS)) {
            missingSince.clear(); // this check was held up (a stalled JVM, a slow Redis): same reason
        }
        lastCheck = now;
        observeServer(now);
        List<String> others = new ArrayList<>(redis.await(redis.commands().smembers(keys.workers())));
        others.remove(config.name());
        missingSince.keySet().retainAll(others);
        seen.retainAll(others);
        if (others.isEmpty()) {
            return;
        }
        String[] channels = others.stream().map(keys::commands).toArray(String[]::new);
        Map<String, Long> subscribers = redis.await(redis.commands().pubsubNumsub(channels));
        boolean settled = now - epochStart >= TimeUnit.MILLISECONDS.toNanos(SETTLE_MS);
        for (String name : others) {
            Long n = subscribers.get(keys.commands(name));
            if (n != null && n > 0) {
                seen.add(name);
                missingSince.remove(name);
                continue;
            }
            long since = missingSince.computeIfAbsent(name, k -> now);
            if ((settled || seen.contains(name)) && now - since >= TimeUnit.MILLISECONDS.toNanos(GONE_AFTER_MS)) {
                recover(name, TimeUnit.NANOSECONDS.toMillis(now - since));
            }
        }
    }

    /** Starts a new epoch when the server restarted or another one took over (a new run id). */
    private void observeServer(long now) {
        Map<String, String> info = parseInfo(redis.await(redis.commands().info("server")));
        String id = info.get("run_id");
        long uptimeMs = TimeUnit.SECONDS.toMillis(Long.parseLong(info.getOrDefault("uptime_in_seconds", "0")));
        if (runId == null) {
            epochStart = now - TimeUnit.MILLISECONDS.toNanos(uptimeMs);
        } else if (!runId.equals(id)) {
            // Failover or restart seen: everyone's subscription went with the old server.
            epochStart =
                    Math.max(now - TimeUnit.MILLISECONDS.toNanos(uptimeMs), now - TimeUnit.MILLISECONDS.toNanos(1000));
            seen.clear();
            missingSince.clear();
        }
        runId = id;
    }

    private void recover(String name, long goneMs) {
        Set<String> queues = new LinkedHashSet<>();
        String listed = redis.await(redis.commands().hget(keys.worker(name), "queues"));
        if (listed != null) {
            for (String q : listed.split(",")) {
                try {
                    queues.add(Keys.checkQueueName(q));
                } catch (IllegalArgumentException notJrqs) {
                    log.debug(
                            "worker {}: entry of worker {} names a bad queue: {}",
                            config.name(),
                            name,
                            notJrqs.getMessage());
                }
            }
        }
        // Its entry may have expired; the queues this worker serves are the ones it can speak for.
        queues.addAll(config.served().all());
        long total = 0;
        for (String queue : queues) {
            ScriptGateway.RecoverReply r = scripts.recover(
                    queue,
                    name,
                    config.maxRecoveries(),
                    options.failedJobsMax(),
                    options.failureTtl().toSeconds());
            long n = r.recovered();
            if (n < 0) {
                missingSince.remove(name);
                return; // subscribed again: alive after all
            }
            total += n;
            observers.leasesExpired(queue, n);
            dependencies.release(r.released());
        }
        redis.await(redis.commands().srem(keys.workers(), name));
        redis.await(redis.commands().del(keys.worker(name)));
        missingSince.remove(name);
        seen.remove(name);
        log.info(
                "worker {}: worker {} is gone (no connection for {} ms): gave back {} job(s)",
                config.name(),
                name,
                goneMs,
                total);
    }

    private static Map<String, String> parseInfo(String text) {
        Map<String, String> m = new HashMap<>();
        for (String line : text.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                m.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return m;
    }
}
