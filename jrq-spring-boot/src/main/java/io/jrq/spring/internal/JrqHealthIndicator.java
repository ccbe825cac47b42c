package io.jrq.spring.internal;

import io.jrq.Admin;
import io.jrq.Jrq;
import io.jrq.QueueInfo;
import io.jrq.Worker;
import io.jrq.WorkerInfo;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code jrq} health: DOWN when Redis does not answer, or when this application's worker should
 * run but does not, or its heartbeat in Redis is older than its lease (its jobs would then be taken
 * from it); OUT_OF_SERVICE when a checked queue's next job has waited longer than
 * {@code jrq.health.max-queue-latency} (work piles up: no worker, or too few); UP otherwise. The
 * details carry the Redis round trip, the worker's state and heartbeat age, and the late queues.
 */
public final class JrqHealthIndicator extends AbstractHealthIndicator {
    private final Jrq jrq;
    private final Admin admin;
    private final WorkerLifecycle worker;
    private final Duration maxLatency;
    private final List<String> queues;
    private final Duration lease;
    private final Clock clock;

    /**
     * @param jrq the client
     * @param admin its admin API
     * @param worker this application's worker, or null when it runs none
     * @param maxLatency the longest acceptable wait of a queue's next job
     * @param queues the queues to check; empty for all but paused ones
     * @param lease the worker's lease: an older heartbeat means its jobs are about to be taken from it
     * @param clock this host's clock
     */
    public JrqHealthIndicator(
            Jrq jrq,
            Admin admin,
            WorkerLifecycle worker,
            Duration maxLatency,
            List<String> queues,
            Duration lease,
            Clock clock) {
        super("jrq health check failed");
        this.jrq = jrq;
        this.admin = admin;
        this.worker = worker;
        this.maxLatency = maxLatency;
        this.queues = List.copyOf(queues);
        this.lease = lease;
        this.clock = clock;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        // One read of one key: the cheapest command the public API sends, so its time is the round trip.
        long t0 = System.nanoTime();
        jrq.queue(queues.isEmpty() ? "default" : queues.get(0)).job("jrq-health-probe");
        double rttMs = (System.nanoTime() - t0) / 1e6;
        builder.withDetail("redisRoundTripMs", Math.round(rttMs * 100) / 100.0);
        Status status = Status.UP;

        Instant now = clock.instant();
        if (worker != null) {
            Map<String, Object> w = new LinkedHashMap<>();
            Optional<Worker> running = worker.worker();
            w.put("running", running.isPresent());
            if (running.isPresent()) {
                String name = running.get().name();
                w.put("name", name);
                w.put("runningJobs", running.get().runningJobs());
                Optional<WorkerInfo> info = admin.workers().stream()
                        .filter(i -> i.name().equals(name))
                        .findFirst();
                if (info.isEmpty()) {
                    w.put("heartbeat", "not registered in Redis");
                    status = Status.DOWN;
                } else {
                    Duration age = Duration.between(info.get().heartbeatAt(), now);
                    w.put("heartbeatAgeMs", Math.max(0, age.toMillis()));
                    if (age.compareTo(lease) > 0) {
                        status = Status.DOWN;
                    }
                }
            } else {
                status = Status.DOWN;
            }
            builder.withDetail("worker", w);
        }

        Map<String, Object> late = new LinkedHashMap<>();
        List<QueueInfo> checked = queues.isEmpty()
                ? admin.queues().stream().filter(q -> !q.paused()).toList()
                : queues.stream().map(admin::queue).toList();
        for (QueueInfo q : checked) {
            Optional<Duration> age = q.oldestQueuedAge(now);
            if (age.isPresent() && age.get().compareTo(maxLatency) > 0) {
                late.put(
                        q.name(),
                        Map.of(
                                "latencySeconds",
                                age.get().toSeconds(),
                                "queued",
                                q.count(io.jrq.JobStatus.QUEUED),
                                "paused",
                                q.paused()));
            }
        }
        builder.withDetail("maxQueueLatency", maxLatency.toString());
        if (!late.isEmpty()) {
            builder.withDetail("lateQueues", late);
            if (Status.UP.equals(status)) {
                status = Status.OUT_OF_SERVICE;
            }
        }
        builder.status(status);
    }
}
