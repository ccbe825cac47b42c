package io.jrq.internal.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A retry policy as it travels in the envelope's {@code retry} field:
 * {@code {"max":5,"backoff":"EXPONENTIAL","delays":[],"base":1000,"cap":60000,"jitter":0.2,"never":["..."]}}.
 *
 * @param maxAttempts total attempts
 * @param backoff FIXED, INTERVALS or EXPONENTIAL
 * @param delaysMs FIXED: the one delay; INTERVALS: the delay before each retry
 * @param baseMs EXPONENTIAL: first delay
 * @param capMs EXPONENTIAL: longest delay
 * @param jitter EXPONENTIAL: 0..1, share of each delay drawn at random
 * @param never exception class names that fail the job at once
 */
public record RetrySpec(
        int maxAttempts,
        String backoff,
        List<Long> delaysMs,
        long baseMs,
        long capMs,
        double jitter,
        List<String> never) {
    /** One attempt. */
    public static final RetrySpec NONE = new RetrySpec(1, "FIXED", List.of(0L), 0, 0, 0, List.of());

    /** Copies the lists. */
    public RetrySpec {
        delaysMs = List.copyOf(delaysMs);
        never = List.copyOf(never);
    }

    /**
     * @param attempt the attempt that just failed, from 1
     * @return ms to wait before the next attempt
     */
    public long delayAfterMs(int attempt) {
        switch (backoff) {
            case "INTERVALS":
                return delaysMs.get(Math.max(1, Math.min(attempt, delaysMs.size())) - 1);
            case "EXPONENTIAL":
                long ms = baseMs << Math.min(Math.max(attempt - 1, 0), 30);
                ms = Math.min(ms < 0 ? Long.MAX_VALUE : ms, capMs);
                return jitter > 0
                        ? ms - (long) (ms * jitter * ThreadLocalRandom.current().nextDouble())
                        : ms;
            default:
                return delaysMs.isEmpty() ? 0 : delaysMs.get(0);
        }
    }

    /** @return the envelope form */
    public ObjectNode toJson() {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("max", maxAttempts);
        o.put("backoff", backoff);
        ArrayNode d = o.putArray("delays");
        delaysMs.forEach(d::add);
        o.put("base", baseMs);
        o.put("cap", capMs);
        o.put("jitter", jitter);
        ArrayNode n = o.putArray("never");
        never.forEach(n::add);
        return o;
    }

    /**
     * @param o the envelope's retry field
     * @return the spec; unreadable parts fall back to one attempt
     */
    public static RetrySpec fromJson(JsonNode o) {
        if (o == null || !o.isObject()) {
            return NONE;
        }
        List<Long> delays = new ArrayList<>();
        o.path("delays").forEach(n -> delays.add(Math.max(0, n.asLong())));
        List<String> never = new ArrayList<>();
        o.path("never").forEach(n -> never.add(n.asText()));
        String backoff = o.path("backoff").asText("FIXED");
        if ("INTERVALS".equals(backoff) && delays.isEmpty()) {
            backoff = "FIXED";
        }
        return new RetrySpec(
                Math.max(1, Math.min(1000, o.path("max").asInt(1))),
                backoff,
                delays,
                Math.max(0, o.path("base").asLong(0)),
                Math.max(0, o.path("cap").asLong(0)),
                Math.max(0, Math.min(1, o.path("jitter").asDouble(0))),
                never);
    }
}
