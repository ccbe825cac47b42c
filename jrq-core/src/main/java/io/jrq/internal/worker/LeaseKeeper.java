package io.jrq.internal.worker;

import io.jrq.internal.Keys;
import io.jrq.internal.codec.JobRef;
import io.jrq.internal.redis.Redis;
import io.jrq.internal.redis.ScriptGateway;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's heartbeat: renews the leases of all running jobs with one {@code renew.lua} call per
 * queue, marks jobs whose lease was lost, and refreshes the worker's registry entry, which expires
 * by itself when the heartbeats stop.
 */
final class LeaseKeeper implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(LeaseKeeper.class);

    private final WorkerConfig config;
    private final Redis redis;
    private final Keys keys;
    private final ScriptGateway scripts;
    private final Slots slots;
    private final Clock clock;
    private final BiConsumer<String, String> stopper;
    private final long startedAt;
    private final String host;
    private final long pid = ManagementFactory.getRuntimeMXBean().getPid();
    private static final int PRUNE_EVERY = 10;
    private int beats;
    private long fullWarnedAt;

    LeaseKeeper(
            WorkerConfig config,
            Redis redis,
            Keys keys,
            ScriptGateway scripts,
            Slots slots,
            Clock clock,
            BiConsumer<String, String> stopper) {
        this.stopper = stopper;
        this.config = config;
        this.redis = redis;
        this.keys = keys;
        this.scripts = scripts;
        this.slots = slots;
        this.clock = clock;
        this.startedAt = clock.millis();
        String h;
        try {
            h = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            h = "unknown";
        }
        this.host = h;
    }

    @Override
    public void run() {
        try {
            renew();
            register();
        } catch (RuntimeException e) {
            if (!(e instanceof io.jrq.RedisFullException)) {
                log.warn("worker {}: heartbeat failed: {}", config.name(), e.toString());
            } else if (System.nanoTime() - fullWarnedAt > TimeUnit.MINUTES.toNanos(1) || fullWarnedAt == 0) {
                // Leases are renewed on a full Redis (renew.lua); only the registry entry is refused.
                fullWarnedAt = System.nanoTime();
                log.warn(
                        "worker {}: Redis is full (maxmemory reached): the worker's registry entry could not be written;"
                                + " leases are still renewed and outcomes recorded",
                        config.name());
            }
        }
    }

    private void renew() {
        Map<String, List<LeasedJob>> byQueue = new HashMap<>();
        for (LeasedJob job : slots.jobs()) {
            if (!job.isLeaseLost()) {
                byQueue.computeIfAbsent(job.queue(), q -> new ArrayList<>()).add(job);
            }
        }
        for (Map.Entry<String, List<LeasedJob>> e : byQueue.entrySet()) {
            String queue = e.getKey();
            List<LeasedJob> jobs = e.getValue();
            // A job can be held under two leases: its lease expired while it ran (a stall), the reaper
            // gave it back and this worker leased it again. Redis names only the id of a lost lease,
            // and only the newest lease can still be Redis's, so each lost id goes to its oldest lease.
            Map<String, List<LeasedJob>> byId = new HashMap<>();
            for (LeasedJob job : jobs) {
                byId.computeIfAbsent(job.id(), id -> new ArrayList<>()).add(job);
            }
            byId.values().forEach(held -> held.sort(Comparator.comparingLong(LeaseKeeper::leaseNumber)));
            if (FaultPoints.ENABLED) {
                FaultPoints.reach(FaultPoints.RENEW_BEFORE_SEND);
            }
            ScriptGateway.RenewReply reply = scripts.renew(queue, config.lease().toMillis(), jobs);
            if (FaultPoints.ENABLED) {
                FaultPoints.reach(FaultPoints.RENEW_AFTER_REPLY);
            }
            // A stop request whose pub/sub command was missed is still seen here, one heartbeat later.
            reply.stop().forEach(id -> stopper.accept(queue, id));
            for (String id : reply.lost()) {
                List<LeasedJob> held = byId.get(id);
                LeasedJob job = held == null || held.isEmpty() ? null : held.remove(0);
                // A job that ended between reading the running jobs and the renewal is not lost: its
                // outcome was recorded. Only jobs still running have really lost their lease.
                if (job != null && slots.jobs().contains(job)) {
                    job.markLeaseLost();
                    log.warn(
                            "worker {}: lost the lease of job {} in {}; its outcome will not be recorded",
                            config.name(),
                            id,
                            queue);
                }
            }
        }
    }

    /** The lease count a token ends with ({@code <worker>:<leases>}, lib/lease.lua): later leases count higher. */
    private static long leaseNumber(LeasedJob job) {
        String token = job.token();
        try {
            return Long.parseLong(token.substring(token.lastIndexOf(':') + 1));
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private void register() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("name", config.name());
        fields.put("host", host);
        fields.put("pid", Long.toString(pid));
        fields.put("queues", String.join(",", config.served().all()));
        fields.put("concurrency", Integer.toString(config.concurrency()));
        fields.put("started_at", Long.toString(startedAt));
        fields.put("heartbeat_at", Long.toString(clock.millis()));
        fields.put(
                "jobs",
                slots.jobs().stream()
                        .map(j -> new JobRef(j.queue(), j.id()).toString())
                        .collect(Collectors.joining(",")));
        String key = keys.worker(config.name());
        long ttl = Math.max(3 * config.heartbeat().toMillis(), 3000);
        redis.await(redis.commands()
                .hset(key, fields)
                .toCompletableFuture()
                .thenCombine(redis.commands().pexpire(key, ttl).toCompletableFuture(), (a, b) -> b)
                .thenCombine(
                        redis.commands().sadd(keys.workers(), config.name()).toCompletableFuture(), (a, b) -> b));
        pruneDeadWorkers();
    }

    /**
     * Removes from the registry set the names of workers whose entry expired (they died without
     * unregistering), so the set stays bounded. Every worker does it now and then; it is idempotent.
     */
    private void pruneDeadWorkers() {
        if (++beats % PRUNE_EVERY != 1) {
            return;
        }
        for (String name : redis.await(redis.commands().smembers(keys.workers()))) {
            if (redis.await(redis.commands().exists(keys.worker(name))) == 0) {
                redis.await(redis.commands().srem(keys.workers(), name));
            }
        }
    }

    /** Removes the registry entry at shutdown. */
    void unregister() {
        try {
            redis.await(redis.commands()
                    .del(keys.worker(config.name()))
                    .toCompletableFuture()
                    .thenCombine(
                            redis.commands().srem(keys.workers(), config.name()).toCompletableFuture(), (a, b) -> b));
        } catch (RuntimeException e) {
            log.debug("could not unregister worker {}", config.name(), e);
        }
    }
}
