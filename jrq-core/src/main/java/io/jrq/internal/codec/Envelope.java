package io.jrq.internal.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jrq.InvalidPayloadException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The versioned JSON envelope of a job, as stored in the job hash's {@code payload} field and
 * documented in docs/PROTOCOL.md:
 * {@code {"v":1,"fn":"com.example.Jobs::send","args":[...],"params":[...],"desc":"...","meta":{},"ttl":500,
 * "retry":{...},"timeout":30000}}.
 *
 * @param id job id (not written by {@link #toJson()}; read from an older payload, or null)
 * @param fn a handler name, or {@code class::method}
 * @param args the arguments, a JSON array
 * @param params the declared parameter types' class names, only when the method is overloaded; else empty
 * @param description free text, or null
 * @param meta string metadata, possibly empty
 * @param resultTtlSeconds result TTL in seconds, or -1 for the worker's default
 * @param retry the retry policy, or null for the worker's default
 * @param timeoutMs the timeout of each attempt in ms, or -1 for the worker's default
 * @param deps the jobs this one waited for, as "queue/id"
 * @param callbacks {@code class::method} to run by event: success, failure, stopped
 * @param trace the producer's trace context ({@code traceparent}, {@code tracestate}), possibly empty
 */
public record Envelope(
        String id,
        String fn,
        ArrayNode args,
        List<String> params,
        String description,
        Map<String, String> meta,
        long resultTtlSeconds,
        RetrySpec retry,
        long timeoutMs,
        List<String> deps,
        Map<String, String> callbacks,
        Map<String, String> trace) {
    /** The envelope version this code writes and reads. */
    public static final int VERSION = 1;
    /** At most this many trace fields are kept, each at most {@link #MAX_TRACE_CHARS} long (W3C's own bound on tracestate). */
    static final int MAX_TRACE_FIELDS = 8;
    /** The longest trace field value kept. */
    static final int MAX_TRACE_CHARS = 512;
    /** The longest trace field name kept. */
    static final int MAX_TRACE_NAME_CHARS = 64;

    /** An envelope without trace context. */
    public Envelope(
            String id,
            String fn,
            ArrayNode args,
            List<String> params,
            String description,
            Map<String, String> meta,
            long resultTtlSeconds,
            RetrySpec retry,
            long timeoutMs,
            List<String> deps,
            Map<String, String> callbacks) {
        this(id, fn, args, params, description, meta, resultTtlSeconds, retry, timeoutMs, deps, callbacks, Map.of());
    }

    /**
     * Writes and reads one envelope, so that the JSON mapper and its serializers are built while
     * the client connects rather than during the application's first enqueue (about half a second
     * of class loading in a fresh JVM).
     */
    public static void warmUp() {
        ArrayNode args = Json.mapper().createArrayNode().add(1).add("text");
        parse(new Envelope(null, "warm-up", args, List.of(), null, Map.of(), -1, null, -1, List.of(), Map.of())
                .toJson());
    }

    /**
     * @param trace the trace context to store with the job; fields past the bounds a worker reads
     *     ({@link #MAX_TRACE_FIELDS}, {@link #MAX_TRACE_CHARS}) are left out, as a worker would drop them
     * @return this envelope with that context
     */
    public Envelope withTrace(Map<String, String> trace) {
        return new Envelope(
                id,
                fn,
                args,
                params,
                description,
                meta,
                resultTtlSeconds,
                retry,
                timeoutMs,
                deps,
                callbacks,
                boundedTrace(trace));
    }

    /** The fields of {@code trace} within the bounds, in order; the same map when all are. */
    private static Map<String, String> boundedTrace(Map<String, String> trace) {
        if (trace.isEmpty()) {
            return Map.of();
        }
        Map<String, String> kept = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : trace.entrySet()) {
            if (kept.size() == MAX_TRACE_FIELDS) {
                break;
            }
            if (isTraceField(e.getKey(), e.getValue())) {
                kept.put(e.getKey(), e.getValue());
            }
        }
        return kept.size() == trace.size() ? trace : kept;
    }

    private static boolean isTraceField(String name, String value) {
        return name != null
                && value != null
                && !name.isEmpty()
                && name.length() <= MAX_TRACE_NAME_CHARS
                && value.length() <= MAX_TRACE_CHARS;
    }

    /** @return true when fn names a method ({@code class::method}) rather than a handler */
    public boolean isMethod() {
        return fn.contains("::");
    }

    /** @return the envelope as compact JSON */
    public String toJson() {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("v", VERSION);
        // No id: the job hash's key carries it, and a queued job should cost as little memory as possible.
        o.put("fn", fn);
        o.set("args", args);
        if (!params.isEmpty()) {
            ArrayNode p = o.putArray("params");
            params.forEach(p::add);
        }
        putJobOptions(o, description, meta, resultTtlSeconds, retry, timeoutMs);
        if (!deps.isEmpty()) {
            ArrayNode d = o.putArray("deps");
            deps.forEach(d::add);
        }
        if (!callbacks.isEmpty()) {
            ObjectNode c = o.putObject("callbacks");
            callbacks.forEach(c::put);
        }
        if (!trace.isEmpty()) {
            ObjectNode t = o.putObject("trace");
            trace.forEach(t::put);
        }
        try {
            return Json.mapper().writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes the per-job options in their envelope form, leaving out those not set; shared with the
     * definitions of recurring jobs, which carry the same options for each run.
     *
     * @param o the object to write into
     * @param description free text, or null
     * @param meta string metadata, possibly empty
     * @param resultTtlSeconds result TTL in seconds, or -1
     * @param retry the retry policy, or null
     * @param timeoutMs the timeout in ms, or -1
     */
    public static void putJobOptions(
            ObjectNode o,
            String description,
            Map<String, String> meta,
            long resultTtlSeconds,
            RetrySpec retry,
            long timeoutMs) {
        if (description != null) {
            o.put("desc", description);
        }
        if (!meta.isEmpty()) {
            ObjectNode m = o.putObject("meta");
            meta.forEach(m::put);
        }
        if (resultTtlSeconds >= 0) {
            o.put("ttl", resultTtlSeconds);
        }
        if (retry != null) {
            o.set("retry", retry.toJson());
        }
        if (timeoutMs > 0) {
            o.put("timeout", timeoutMs);
        }
    }

    /**
     * Parses and validates a stored payload.
     *
     * @param json the payload text
     * @return the envelope
     * @throws InvalidPayloadException saying exactly what is wrong
     */
    public static Envelope parse(String json) {
        if (json == null) {
            throw new InvalidPayloadException("job has no payload");
        }
        JsonNode root;
        try {
            root = Json.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidPayloadException("payload is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidPayloadException("payload must be a JSON object");
        }
        JsonNode v = root.get("v");
        if (v == null || !v.canConvertToInt() || v.asInt() != VERSION) {
            throw new InvalidPayloadException(
                    "unsupported payload version " + v + " (this worker reads v" + VERSION + ")");
        }
        String fn = text(root, "fn", true);
        JsonNode args = root.get("args");
        if (args == null || args.isNull()) {
            args = Json.mapper().createArrayNode();
        }
        if (!args.isArray()) {
            throw new InvalidPayloadException("payload field 'args' must be a JSON array");
        }
        List<String> params = new ArrayList<>();
        JsonNode p = root.get("params");
        if (p != null && !p.isNull()) {
            if (!p.isArray()) {
                throw new InvalidPayloadException("payload field 'params' must be an array of class names");
            }
            for (JsonNode n : p) {
                if (!n.isTextual()) {
                    throw new InvalidPayloadException("payload field 'params' must be an array of class names");
                }
                params.add(n.asText());
            }
        }
        for (int i = 0; i < args.size(); i++) {
            TypeMarkers.check(args.get(i), "argument " + (i + 1));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        JsonNode m = root.get("meta");
        if (m != null && !m.isNull()) {
            if (!m.isObject()) {
                throw new InvalidPayloadException("payload field 'meta' must be an object of strings");
            }
            TypeMarkers.check(m, "payload field 'meta'");
            for (Map.Entry<String, JsonNode> e : m.properties()) {
                meta.put(e.getKey(), e.getValue().asText());
            }
        }
        JsonNode ttl = root.get("ttl");
        long ttlSeconds = ttl != null && ttl.canConvertToLong() ? ttl.asLong() : -1;
        Map<String, String> callbacks = new LinkedHashMap<>();
        root.path("callbacks")
                .properties()
                .forEach(e -> callbacks.put(e.getKey(), e.getValue().asText()));
        List<String> deps = new ArrayList<>();
        root.path("deps").forEach(n -> deps.add(n.asText()));
        JsonNode retry = root.get("retry");
        JsonNode timeout = root.get("timeout");
        return new Envelope(
                text(root, "id", false),
                fn,
                (ArrayNode) args,
                params,
                text(root, "desc", false),
                meta,
                ttlSeconds,
                retry == null || retry.isNull() ? null : RetrySpec.fromJson(retry),
                timeout != null && timeout.canConvertToLong() && timeout.asLong() > 0 ? timeout.asLong() : -1,
                deps,
                callbacks,
                trace(root.get("trace")));
    }

    /**
     * The trace fields of a payload. Tracing is advisory: a field that is not a short string is
     * dropped, never a reason to fail the job.
     */
    private static Map<String, String> trace(JsonNode t) {
        if (t == null || !t.isObject() || t.isEmpty()) {
            return Map.of();
        }
        Map<String, String> trace = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : t.properties()) {
            if (trace.size() == MAX_TRACE_FIELDS) {
                break;
            }
            if (e.getValue().isTextual()
                    && isTraceField(e.getKey(), e.getValue().asText())) {
                trace.put(e.getKey(), e.getValue().asText());
            }
        }
        return trace;
    }

    private static String text(JsonNode root, String field, boolean required) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw new InvalidPayloadException("payload has no '" + field + "'");
            }
            return null;
        }
        if (!n.isTextual()) {
            throw new InvalidPayloadException("payload field '" + field + "' must be a string");
        }
        return n.asText();
    }
}
