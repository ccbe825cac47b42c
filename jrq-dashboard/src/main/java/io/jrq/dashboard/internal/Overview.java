package io.jrq.dashboard.internal;

import io.jrq.Admin;
import io.jrq.JobStatus;
import io.jrq.MinuteCount;
import io.jrq.QueueInfo;
import io.jrq.WorkerInfo;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the overview shows, read in one go through the admin API: every queue with its
 * counts, the live workers, and per-minute endings summed over all queues for the chart.
 *
 * @param queues the queues, sorted by name
 * @param workers the live workers
 * @param total per-minute endings of all queues, oldest first
 * @param readAt when it was read
 */
record Overview(List<QueueStats> queues, List<WorkerInfo> workers, List<MinuteCount> total, Instant readAt) {
    /** Minutes of history the chart shows. */
    static final int CHART_MINUTES = 60;

    static Overview read(Admin admin, Clock clock) {
        List<QueueInfo> infos = admin.queues();
        List<WorkerInfo> workers = admin.workers();
        Instant now = clock.instant();
        List<QueueStats> queues = new ArrayList<>(infos.size());
        long[] finished = new long[CHART_MINUTES];
        long[] failed = new long[CHART_MINUTES];
        Instant[] minutes = new Instant[CHART_MINUTES];
        for (QueueInfo q : infos) {
            List<MinuteCount> h = admin.history(q.name(), CHART_MINUTES);
            for (int i = 0; i < h.size() && i < CHART_MINUTES; i++) {
                finished[i] += h.get(i).finished();
                failed[i] += h.get(i).failed();
                minutes[i] = h.get(i).minute();
            }
            int serving = (int)
                    workers.stream().filter(w -> w.queues().contains(q.name())).count();
            queues.add(new QueueStats(q, serving, h, now));
        }
        List<MinuteCount> total = new ArrayList<>(CHART_MINUTES);
        Instant thisMinute = Instant.ofEpochMilli(now.toEpochMilli() / 60_000 * 60_000);
        for (int i = 0; i < CHART_MINUTES; i++) {
            Instant m = minutes[i] != null ? minutes[i] : thisMinute.minusSeconds(60L * (CHART_MINUTES - 1 - i));
            total.add(new MinuteCount(m, finished[i], failed[i]));
        }
        return new Overview(List.copyOf(queues), workers, List.copyOf(total), now);
    }

    /**
     * @return jobs running now over all queues: their leases, which are exact, where the workers'
     *     heartbeats only sample the jobs they run (a job of 50 ms is seldom in one)
     */
    long running() {
        return queues.stream().mapToLong(q -> q.info().count(JobStatus.STARTED)).sum();
    }

    /** @param name a queue @return its stats, or null when it is not known */
    QueueStats queue(String name) {
        return queues.stream()
                .filter(q -> q.info().name().equals(name))
                .findFirst()
                .orElse(null);
    }

    /** @return the JSON the live feed pushes and GET /api/overview returns */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("readAt", readAt.toString());
        List<Map<String, Object>> qs = new ArrayList<>();
        queues.forEach(q -> qs.add(Views.queue(q)));
        m.put("queues", qs);
        m.put("workers", workers.size());
        m.put("busy", running());
        m.put("history", Views.history(total));
        return m;
    }
}
