package io.jrq.internal.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.jrq.JobError;
import io.jrq.JobStatus;
import io.jrq.internal.codec.Envelope;
import io.jrq.internal.codec.Json;
import java.time.Instant;
import java.util.Map;

/**
 * A job hash as read from Redis (or from the inline store), with the envelope parsed leniently: a
 * record whose payload is broken still shows its status and error.
 *
 * @param id job id
 * @param queue queue name
 * @param status current status
 * @param fn the payload's function, or null if unreadable
 * @param description the payload's description, or null
 * @param meta the payload's metadata
 * @param enqueuedAt when enqueued (Redis time), or null
 * @param startedAt when the last attempt started, or null
 * @param endedAt when it ended, or null
 * @param attempts attempts started so far
 * @param worker name of the worker that ran (or runs) it, or null
 * @param resultJson result as JSON when FINISHED, else null
 * @param error the error when FAILED, else null
 */
public record JobRecord(String id, String queue, JobStatus status, String fn, String description, Map<String, String> meta,
                        Instant enqueuedAt, Instant startedAt, Instant endedAt, int attempts, String worker,
                        String resultJson, JobError error) {

    /**
     * @param queue the queue
     * @param id the job id
     * @param h the job hash's fields (non-empty)
     * @return the record
     */
    public static JobRecord fromHash(String queue, String id, Map<String, String> h) {
        String fn = null;
        String desc = null;
        Map<String, String> meta = Map.of();
        try {
            Envelope e = Envelope.parse(h.get("payload"));
            fn = e.fn();
            desc = e.description();
            meta = Map.copyOf(e.meta());
        } catch (RuntimeException ignored) {
            // a broken payload still has a status and an error worth showing
        }
        JobStatus status;
        try {
            status = JobStatus.valueOf(h.getOrDefault("status", "QUEUED"));
        } catch (IllegalArgumentException unknown) {
            status = JobStatus.QUEUED;
        }
        return new JobRecord(id, queue, status, fn, desc, meta, instant(h.get("enqueued_at")), instant(h.get("started_at")),
                instant(h.get("ended_at")), (int) number(h.get("attempts")), h.get("worker"), h.get("result"), error(h.get("error")));
    }

    static JobError error(String json) {
        if (json == null) {
            return null;
        }
        try {
            JsonNode n = Json.mapper().readTree(json);
            return new JobError(n.path("type").asText(), n.path("message").asText(), n.path("stackTrace").asText());
        } catch (Exception e) {
            return new JobError("unknown", json, "");
        }
    }

    private static Instant instant(String ms) {
        return ms == null ? null : Instant.ofEpochMilli(number(ms));
    }

    private static long number(String s) {
        if (s == null) {
            return 0;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
