package io.jrq.spring.internal;

import io.jrq.Admin;
import io.jrq.JobStatus;
import io.jrq.QueueInfo;
import io.jrq.WorkerInfo;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@code /actuator/jrq}: the queues with their counts per state, paused flag, latency and workers,
 * and the live workers. Read-only: changes go through the dashboard, the CLI or {@link Admin}.
 */
@Endpoint(id = "jrq")
public class JrqEndpoint {
    private final Admin admin;
    private final Clock clock;

    /**
     * @param admin the admin API
     * @param clock this host's clock
     */
    public JrqEndpoint(Admin admin, Clock clock) {
        this.admin = admin;
        this.clock = clock;
    }

    /** @return the queues and workers */
    @ReadOperation
    public Report report() {
        Instant now = clock.instant();
        List<WorkerInfo> workers = admin.workers();
        List<QueueReport> queues = admin.queues().stream()
                .map(q -> QueueReport.of(q, now, workers))
                .toList();
        return new Report(queues, workers.stream().map(WorkerReport::of).toList());
    }

    /**
     * @param queues every queue jrq knows
     * @param workers the live workers
     */
    public record Report(List<QueueReport> queues, List<WorkerReport> workers) {}

    /**
     * @param name the queue
     * @param paused whether workers take no jobs from it
     * @param counts jobs per state (lower case)
     * @param latencySeconds how long its next job has waited, 0 when none waits
     * @param workers live workers serving it
     */
    public record QueueReport(
            String name, boolean paused, Map<String, Long> counts, double latencySeconds, long workers) {
        static QueueReport of(QueueInfo q, Instant now, List<WorkerInfo> workers) {
            Map<String, Long> counts = new LinkedHashMap<>();
            for (JobStatus s : QueueInfo.COUNTED) {
                counts.put(s.name().toLowerCase(java.util.Locale.ROOT), q.count(s));
            }
            double latency =
                    q.oldestQueuedAge(now).map(d -> d.toMillis() / 1000.0).orElse(0.0);
            return new QueueReport(
                    q.name(),
                    q.paused(),
                    counts,
                    latency,
                    workers.stream().filter(w -> w.queues().contains(q.name())).count());
        }
    }

    /**
     * @param name the worker
     * @param host its host
     * @param pid its process
     * @param queues the queues it serves
     * @param concurrency jobs it runs at once
     * @param runningJobs jobs it runs now
     * @param startedAt when it started
     * @param heartbeatAt its last heartbeat
     */
    public record WorkerReport(
            String name,
            String host,
            long pid,
            List<String> queues,
            int concurrency,
            int runningJobs,
            Instant startedAt,
            Instant heartbeatAt) {
        static WorkerReport of(WorkerInfo w) {
            return new WorkerReport(
                    w.name(),
                    w.host(),
                    w.pid(),
                    w.queues(),
                    w.concurrency(),
                    w.jobs().size(),
                    w.startedAt(),
                    w.heartbeatAt());
        }
    }
}
