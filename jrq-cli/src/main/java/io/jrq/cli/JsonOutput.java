package io.jrq.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrq.AttemptError;
import io.jrq.JobError;
import io.jrq.JobInfo;
import io.jrq.JobStatus;
import io.jrq.QueueInfo;
import io.jrq.WorkerInfo;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Optional;

/**
 * The {@code --json} output: one compact JSON object per line, with the field names and shapes
 * documented in docs/CLI.md. Every field is always present (null when it has no value), so that
 * scripts can rely on the shape. Times are ISO-8601 UTC strings.
 */
final class JsonOutput {
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    private JsonOutput() {}

    /** @return a new empty object */
    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /**
     * @param value any plain value (Map, List, String, Number, Boolean, null) or a JsonNode
     * @return it as a JSON tree
     */
    static JsonNode tree(Object value) {
        return MAPPER.valueToTree(value);
    }

    /**
     * Prints one object on one line.
     *
     * @param out where to print
     * @param node the object
     */
    static void print(PrintWriter out, JsonNode node) {
        out.println(text(node));
        out.flush();
    }

    /** @param node a JSON value @return it as compact JSON text */
    static String text(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param job a job
     * @param detail true for {@code job show}: the error's stack trace and every failed attempt
     * @return the job object (without "result", which {@code job show} adds)
     */
    static ObjectNode job(JobInfo job, boolean detail) {
        ObjectNode o = object();
        o.put("id", job.id());
        o.put("queue", job.queue());
        o.put("status", job.status().name());
        o.put("function", job.function() == null || job.function().isEmpty() ? null : job.function());
        o.put("description", job.description() == null || job.description().isEmpty() ? null : job.description());
        ObjectNode meta = o.putObject("meta");
        job.meta().forEach(meta::put);
        time(o, "enqueuedAt", job.enqueuedAt());
        time(o, "startedAt", job.startedAt());
        time(o, "endedAt", job.endedAt());
        time(o, "dueAt", job.dueAt());
        o.put("attempts", job.attempts());
        o.put("worker", job.worker().orElse(null));
        if (job.error().isPresent()) {
            o.set("error", error(job.error().get(), detail));
        } else {
            o.putNull("error");
        }
        if (job.progress().isPresent()) {
            ObjectNode p = o.putObject("progress");
            p.put("percent", job.progress().get().percent());
            p.put("message", job.progress().get().message());
        } else {
            o.putNull("progress");
        }
        if (detail) {
            ArrayNode attempts = o.putArray("attemptErrors");
            for (AttemptError a : job.attemptErrors()) {
                ObjectNode e = attempts.addObject();
                e.put("attempt", a.attempt());
                e.put("type", a.type());
                e.put("message", a.message());
                e.put("at", a.at() == null ? null : a.at().toString());
            }
        }
        return o;
    }

    /**
     * @param e an error recorded by a worker
     * @param stackTrace whether to include its stack trace
     * @return {"type","message"} and, if asked, "stackTrace"
     */
    static ObjectNode error(JobError e, boolean stackTrace) {
        ObjectNode o = object();
        o.put("type", e.type());
        o.put("message", e.message());
        if (stackTrace) {
            o.put("stackTrace", e.stackTrace());
        }
        return o;
    }

    /** @param q a queue @return the queue object */
    static ObjectNode queue(QueueInfo q) {
        ObjectNode o = object();
        o.put("name", q.name());
        o.put("paused", q.paused());
        o.put("partitions", q.partitions());
        ObjectNode counts = o.putObject("counts");
        for (JobStatus s : QueueInfo.COUNTED) {
            counts.put(s.name(), q.count(s));
        }
        ObjectNode totals = o.putObject("totals");
        totals.put("FINISHED", q.finishedTotal());
        totals.put("FAILED", q.failedTotal());
        ObjectNode limits = o.putObject("limits");
        limits.put("concurrency", q.limits().concurrency());
        limits.put("rate", q.limits().rate());
        limits.put("periodMs", q.limits().period().toMillis());
        return o;
    }

    /** @param w a worker @return the worker object */
    static ObjectNode worker(WorkerInfo w) {
        ObjectNode o = object();
        o.put("name", w.name());
        o.put("host", w.host());
        o.put("pid", w.pid());
        ArrayNode queues = o.putArray("queues");
        w.queues().forEach(queues::add);
        o.put("concurrency", w.concurrency());
        o.put("startedAt", w.startedAt() == null ? null : w.startedAt().toString());
        o.put("heartbeatAt", w.heartbeatAt() == null ? null : w.heartbeatAt().toString());
        ArrayNode jobs = o.putArray("jobs");
        w.jobs().forEach(jobs::add);
        return o;
    }

    private static void time(ObjectNode o, String field, Optional<Instant> t) {
        o.put(field, t.map(Instant::toString).orElse(null));
    }
}
