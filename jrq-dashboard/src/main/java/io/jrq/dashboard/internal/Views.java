package io.jrq.dashboard.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.jrq.AttemptError;
import io.jrq.JobInfo;
import io.jrq.JobStatus;
import io.jrq.MinuteCount;
import io.jrq.QueueInfo;
import io.jrq.RecurringInfo;
import io.jrq.WorkerInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON shapes of the API and the live feed, one method per thing shown (docs/DASHBOARD.md
 * documents them). Times are ISO-8601 strings in UTC plus, where a page computes with them,
 * milliseconds since the epoch.
 */
final class Views {
    private Views() {}

    static String state(JobStatus s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    static Map<String, Object> queue(QueueStats q) {
        QueueInfo i = q.info();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", i.name());
        m.put("paused", i.paused());
        m.put("partitions", i.partitions());
        Map<String, Long> counts = new LinkedHashMap<>();
        for (JobStatus s : QueueInfo.COUNTED) {
            counts.put(state(s), i.count(s));
        }
        m.put("counts", counts);
        m.put("finishedTotal", i.finishedTotal());
        m.put("failedTotal", i.failedTotal());
        m.put("finishedPerSecond", q.finishedPerSecond());
        m.put("failedPerSecond", q.failedPerSecond());
        m.put("oldestQueuedAt", i.oldestQueuedAt().map(Instant::toString).orElse(null));
        m.put("oldestQueuedAgeMs", q.oldestAgeMs());
        m.put("workers", q.workers());
        m.put("noWorker", q.noWorker());
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("concurrency", i.limits().concurrency());
        limits.put("rate", i.limits().rate());
        limits.put("periodMs", i.limits().period().toMillis());
        m.put("limits", limits);
        return m;
    }

    static List<Map<String, Object>> history(List<MinuteCount> minutes) {
        List<Map<String, Object>> out = new ArrayList<>(minutes.size());
        for (MinuteCount c : minutes) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("minute", c.minute().toString());
            m.put("finished", c.finished());
            m.put("failed", c.failed());
            out.add(m);
        }
        return out;
    }

    static Map<String, Object> job(JobInfo j) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", j.id());
        m.put("queue", j.queue());
        m.put("status", state(j.status()));
        m.put("function", j.function());
        m.put("description", j.description());
        m.put("meta", j.meta());
        m.put("arguments", parsed(j.arguments()));
        m.put("result", j.result().map(Views::parsed).orElse(null));
        m.put("enqueuedAt", iso(j.enqueuedAt()));
        m.put("startedAt", iso(j.startedAt()));
        m.put("endedAt", iso(j.endedAt()));
        m.put("dueAt", iso(j.dueAt()));
        m.put("attempts", j.attempts());
        m.put("worker", j.worker().orElse(null));
        m.put(
                "error",
                j.error()
                        .map(e -> {
                            Map<String, Object> err = new LinkedHashMap<>();
                            err.put("type", e.type());
                            err.put("message", e.message());
                            err.put("stackTrace", e.stackTrace());
                            return err;
                        })
                        .orElse(null));
        List<Map<String, Object>> attempts = new ArrayList<>();
        for (AttemptError a : j.attemptErrors()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("attempt", a.attempt());
            e.put("type", a.type());
            e.put("message", a.message());
            e.put("at", a.at().toString());
            attempts.add(e);
        }
        m.put("attemptErrors", attempts);
        m.put(
                "progress",
                j.progress()
                        .map(p -> {
                            Map<String, Object> pr = new LinkedHashMap<>();
                            pr.put("percent", p.percent());
                            pr.put("message", p.message());
                            return pr;
                        })
                        .orElse(null));
        m.put("dependsOn", j.dependsOn());
        m.put("dependents", j.dependents());
        m.put("recurring", j.recurring().orElse(null));
        return m;
    }

    static Map<String, Object> worker(WorkerInfo w) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", w.name());
        m.put("host", w.host());
        m.put("pid", w.pid());
        m.put("queues", w.queues());
        m.put("concurrency", w.concurrency());
        m.put("busy", w.jobs().size());
        m.put("startedAt", w.startedAt().toString());
        m.put("heartbeatAt", w.heartbeatAt().toString());
        m.put("jobs", w.jobs());
        return m;
    }

    static Map<String, Object> recurring(RecurringInfo r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", r.name());
        m.put("queue", r.queue());
        m.put("function", r.function());
        m.put("cron", r.cron().orElse(null));
        m.put("intervalMs", r.interval().map(d -> d.toMillis()).orElse(null));
        m.put("zone", r.zone().getId());
        m.put("nextDue", r.nextDue().map(Instant::toString).orElse(null));
        m.put("misfire", r.misfire().name().toLowerCase(Locale.ROOT));
        m.put("description", r.description().orElse(null));
        return m;
    }

    /** @return JSON text from Redis as a tree, or the text itself when it does not parse */
    static Object parsed(String json) {
        try {
            JsonNode n = Json.MAPPER.readTree(json);
            return n == null ? json : n;
        } catch (Exception e) {
            return json;
        }
    }

    private static String iso(Optional<Instant> t) {
        return t.map(Instant::toString).orElse(null);
    }
}
