package io.jrq.internal.schedule;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrq.CronSyntax;
import io.jrq.InvalidPayloadException;
import io.jrq.Misfire;
import io.jrq.internal.codec.EncodedCall;
import io.jrq.internal.codec.Envelope;
import io.jrq.internal.codec.Json;
import io.jrq.internal.codec.RetrySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A recurring job as stored in the queue's recurring hash ({@code jrq:{q}:recurring}, name -> this
 * JSON) and documented in docs/PROTOCOL.md:
 * {@code {"v":1,"name":"nightly","queue":"reports","fn":"com.example.Reports::build","args":[42],
 * "cron":"0 3 * * *","syntax":"UNIX","zone":"Europe/Paris","misfire":"RUN_ONCE","created_at":...,"updated_at":...}}
 * or {@code "every_ms":300000} instead of cron, syntax and zone; optional {@code params},
 * {@code desc}, {@code meta}, {@code ttl}, {@code retry}, {@code timeout} as in the job envelope.
 * Absent optional fields are left out, not written as null.
 *
 * @param name the job's name, unique in its queue
 * @param queue the queue its runs go to
 * @param fn the envelope's {@code fn}: {@code class::method} or a handler name
 * @param args the arguments, a JSON array
 * @param params the parameter types of an overloaded method, else empty
 * @param cron the cron expression, or null for an interval
 * @param syntax UNIX, SPRING or QUARTZ (cron only)
 * @param zone the zone the cron expression reads (cron only)
 * @param everyMs the interval in ms, or 0 for cron
 * @param misfire RUN_ONCE or SKIP
 * @param description free text, or null
 * @param meta metadata copied into every run's envelope
 * @param resultTtlSeconds result TTL of each run in seconds, or -1
 * @param retry the runs' retry policy, or null
 * @param timeoutMs the runs' timeout in ms, or -1
 * @param createdAt when it was first scheduled, ms (Redis clock), 0 before it is stored
 * @param updatedAt when it was last scheduled, ms (Redis clock), 0 before it is stored
 */
public record RecurringDef(
        String name,
        String queue,
        String fn,
        ArrayNode args,
        List<String> params,
        String cron,
        String syntax,
        ZoneId zone,
        long everyMs,
        String misfire,
        String description,
        Map<String, String> meta,
        long resultTtlSeconds,
        RetrySpec retry,
        long timeoutMs,
        long createdAt,
        long updatedAt) {
    /** The definition version this code writes and reads. */
    public static final int VERSION = 1;
    /** Meta key naming the recurring job in each run's envelope. */
    public static final String META_NAME = "recurring";
    /** Meta key holding the due time (ISO-8601 instant) of the tick a run belongs to. */
    public static final String META_DUE = "recurring_due";

    /** Copies the collections. */
    public RecurringDef {
        params = List.copyOf(params);
        meta = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(meta));
    }

    /**
     * A definition from a {@code RecurringJob}'s checked values, before it is stored (times 0): the
     * one place that spells them as stored (enum names, ms and s, -1 and 0 for "not set").
     *
     * @param name the job's name
     * @param queue its queue
     * @param call what each run calls
     * @param cron the cron expression, or null for an interval
     * @param syntax the expression's syntax (ignored for an interval)
     * @param zone the zone the expression reads
     * @param interval the interval, or null for cron
     * @param misfire the misfire policy
     * @param description free text, or null
     * @param meta metadata for every run
     * @param resultTtl each run's result TTL, or null for the worker's default
     * @param retry the runs' retry policy as it travels, or null
     * @param timeout the runs' timeout, or null for the worker's default
     * @return the definition
     */
    public static RecurringDef of(
            String name,
            String queue,
            EncodedCall call,
            String cron,
            CronSyntax syntax,
            ZoneId zone,
            Duration interval,
            Misfire misfire,
            String description,
            Map<String, String> meta,
            Duration resultTtl,
            RetrySpec retry,
            Duration timeout) {
        return new RecurringDef(
                name,
                queue,
                call.fn(),
                call.args(),
                call.params(),
                cron,
                cron == null ? null : syntax.name(),
                zone,
                interval == null ? 0 : interval.toMillis(),
                misfire.name(),
                description,
                meta,
                resultTtl == null ? -1 : resultTtl.toSeconds(),
                retry,
                timeout == null ? -1 : timeout.toMillis(),
                0,
                0);
    }

    /** @return the schedule (parses the cron expression) @throws IllegalArgumentException when it is invalid */
    public Schedule schedule() {
        return cron != null ? CronSchedule.parse(cron, syntax, zone) : new IntervalSchedule(everyMs);
    }

    /** @return what decides the due times: equal keys keep the next due time across an update */
    public String scheduleKey() {
        return cron != null ? "cron|" + syntax + "|" + zone.getId() + "|" + cron : "every|" + everyMs;
    }

    /**
     * @param created when first scheduled
     * @param updated when scheduled now
     * @return a copy with these times
     */
    public RecurringDef withTimes(long created, long updated) {
        return new RecurringDef(
                name,
                queue,
                fn,
                args,
                params,
                cron,
                syntax,
                zone,
                everyMs,
                misfire,
                description,
                meta,
                resultTtlSeconds,
                retry,
                timeoutMs,
                created,
                updated);
    }

    /**
     * @param name the recurring job's name
     * @param dueMs a tick
     * @return the deterministic id of the run of that tick: {@code recurring:<name>:<dueMs>}
     */
    public static String jobId(String name, long dueMs) {
        return "recurring:" + name + ":" + dueMs;
    }

    /**
     * @param dueMs the tick the run belongs to
     * @return the envelope of that run, with id {@link #jobId} and meta naming the job and the tick
     */
    public Envelope envelope(long dueMs) {
        Map<String, String> m = new LinkedHashMap<>(meta);
        m.put(META_NAME, name);
        m.put(META_DUE, Instant.ofEpochMilli(dueMs).toString());
        return new Envelope(
                jobId(name, dueMs),
                fn,
                args,
                params,
                description,
                m,
                resultTtlSeconds,
                retry,
                timeoutMs,
                List.of(),
                Map.of());
    }

    /** @return the definition as compact JSON */
    public String toJson() {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("v", VERSION);
        o.put("name", name);
        o.put("queue", queue);
        o.put("fn", fn);
        o.set("args", args);
        if (!params.isEmpty()) {
            ArrayNode p = o.putArray("params");
            params.forEach(p::add);
        }
        if (cron != null) {
            o.put("cron", cron);
            o.put("syntax", syntax);
            o.put("zone", zone.getId());
        } else {
            o.put("every_ms", everyMs);
        }
        o.put("misfire", misfire);
        Envelope.putJobOptions(o, description, meta, resultTtlSeconds, retry, timeoutMs);
        o.put("created_at", createdAt);
        o.put("updated_at", updatedAt);
        try {
            return Json.mapper().writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param json a stored definition
     * @return the definition (its cron expression is not parsed here)
     * @throws InvalidPayloadException saying what is wrong
     */
    public static RecurringDef parse(String json) {
        JsonNode o;
        try {
            o = Json.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidPayloadException("recurring job definition is not valid JSON: " + e.getOriginalMessage());
        }
        if (o == null || !o.isObject()) {
            throw new InvalidPayloadException("recurring job definition must be a JSON object");
        }
        if (o.path("v").asInt(-1) != VERSION) {
            throw new InvalidPayloadException("unsupported recurring job definition version " + o.get("v")
                    + " (this code reads v" + VERSION + ")");
        }
        JsonNode args = o.get("args");
        if (args != null && !args.isNull() && !args.isArray()) {
            throw new InvalidPayloadException("recurring job field 'args' must be a JSON array");
        }
        List<String> params = new ArrayList<>();
        o.path("params").forEach(n -> params.add(n.asText()));
        Map<String, String> meta = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : o.path("meta").properties()) {
            meta.put(e.getKey(), e.getValue().asText());
        }
        String cron = text(o, "cron", false);
        ZoneId zone = ZoneOffset.UTC;
        long every = 0;
        if (cron != null) {
            try {
                zone = ZoneId.of(text(o, "zone", true));
            } catch (java.time.DateTimeException e) {
                throw new InvalidPayloadException("recurring job has an unknown zone: " + e.getMessage());
            }
        } else {
            every = o.path("every_ms").asLong(0);
            if (every <= 0) {
                throw new InvalidPayloadException("recurring job needs 'cron' or a positive 'every_ms'");
            }
        }
        String misfire = o.path("misfire").asText("RUN_ONCE");
        if (!misfire.equals("RUN_ONCE") && !misfire.equals("SKIP")) {
            throw new InvalidPayloadException(
                    "recurring job field 'misfire' must be RUN_ONCE or SKIP, got: " + misfire);
        }
        String syntax = cron == null ? null : o.path("syntax").asText("UNIX");
        if (syntax != null && !List.of("UNIX", "SPRING", "QUARTZ").contains(syntax)) {
            throw new InvalidPayloadException(
                    "recurring job field 'syntax' must be UNIX, SPRING or QUARTZ, got: " + syntax);
        }
        JsonNode retry = o.get("retry");
        return new RecurringDef(
                text(o, "name", true),
                text(o, "queue", true),
                text(o, "fn", true),
                args == null || args.isNull() ? Json.mapper().createArrayNode() : (ArrayNode) args,
                params,
                cron,
                syntax,
                zone,
                every,
                misfire,
                text(o, "desc", false),
                meta,
                o.path("ttl").asLong(-1),
                retry == null || retry.isNull() ? null : RetrySpec.fromJson(retry),
                o.path("timeout").asLong(-1),
                o.path("created_at").asLong(0),
                o.path("updated_at").asLong(0));
    }

    private static String text(JsonNode o, String field, boolean required) {
        JsonNode n = o.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw new InvalidPayloadException("recurring job definition has no '" + field + "'");
            }
            return null;
        }
        if (!n.isTextual()) {
            throw new InvalidPayloadException("recurring job field '" + field + "' must be a string");
        }
        return n.asText();
    }
}
