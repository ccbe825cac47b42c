package io.jrq.internal.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.jrq.AttemptError;
import io.jrq.JobError;
import io.jrq.JobStatus;
import io.jrq.Progress;
import io.jrq.internal.StoredNumbers;
import io.jrq.internal.codec.Envelope;
import io.jrq.internal.codec.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * @param error the latest error, or null
 * @param attemptErrors errors of failed attempts, oldest first
 * @param dueAt when a scheduled job is due, or null
 * @param progress the latest progress, or null
 * @param argsJson the payload's arguments as a JSON array, or null when the payload is unreadable
 * @param dependsOn the jobs this one waits or waited for, as "queue/id"
 * @param dependents the jobs waiting for this one, as "queue/id" (only where the reader asked for them)
 */
public record JobRecord(
        String id,
        String queue,
        JobStatus status,
        String fn,
        String description,
        Map<String, String> meta,
        Instant enqueuedAt,
        Instant startedAt,
        Instant endedAt,
        int attempts,
        String worker,
        String resultJson,
        JobError error,
        List<AttemptError> attemptErrors,
        Instant dueAt,
        Progress progress,
        String argsJson,
        List<String> dependsOn,
        List<String> dependents) {

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
        String args = null;
        List<String> deps = List.of();
        try {
            Envelope e = Envelope.parse(h.get("payload"));
            fn = e.fn();
            desc = e.description();
            meta = Map.copyOf(e.meta());
            args = e.args().toString();
            deps = List.copyOf(e.deps());
        } catch (RuntimeException ignored) {
            // a broken payload still has a status and an error worth showing; a finished job whose
            // payload had nothing more to show keeps only its function name
            fn = h.get("fn");
        }
        String s = h.get("status");
        JobStatus status;
        try {
            status = JobStatus.valueOf(s == null ? "" : s);
        } catch (IllegalArgumentException unknown) {
            throw new io.jrq.CorruptJobException("job " + queue + "/" + id + " is corrupt: "
                    + (s == null ? "its hash has no status field" : "unknown status '" + abbreviate(s) + "'"));
        }
        return new JobRecord(
                id,
                queue,
                status,
                fn,
                desc,
                meta,
                instant(h.get("enqueued_at")),
                instant(h.get("started_at")),
                instant(h.get("ended_at")),
                (int) number(h.get("attempts")),
                h.get("worker"),
                h.get("result"),
                error(h.get("error")),
                attemptErrors(h.get("errors")),
                instant(h.get("due_at")),
                progress(h.get("progress")),
                args,
                deps,
                List.of());
    }

    /**
     * A stand-in for a record that cannot be read, for listings that must go on past it: FAILED, with
     * a {@link io.jrq.CorruptJobException} error saying why.
     *
     * @param queue the queue
     * @param id the job id
     * @param reason what is wrong
     * @return the record
     */
    public static JobRecord corrupt(String queue, String id, String reason) {
        return new JobRecord(
                id,
                queue,
                JobStatus.FAILED,
                null,
                null,
                Map.of(),
                null,
                null,
                null,
                0,
                null,
                null,
                new JobError(io.jrq.CorruptJobException.class.getName(), reason, ""),
                List.of(),
                null,
                null,
                null,
                List.of(),
                List.of());
    }

    /**
     * Shows stored text in a message or log line: cut at 60 characters, and every character outside
     * printable ASCII escaped ({@link io.jrq.internal.LogText}).
     */
    static String abbreviate(String s) {
        return io.jrq.internal.LogText.printable(
                s.length() <= 60 ? s : s.substring(0, 60) + "... (" + s.length() + " chars)");
    }

    /** @param ids the jobs waiting for this one, as "queue/id" @return this record with them */
    public JobRecord withDependents(List<String> ids) {
        return new JobRecord(
                id,
                queue,
                status,
                fn,
                description,
                meta,
                enqueuedAt,
                startedAt,
                endedAt,
                attempts,
                worker,
                resultJson,
                error,
                attemptErrors,
                dueAt,
                progress,
                argsJson,
                dependsOn,
                List.copyOf(ids));
    }

    /**
     * The recurring job a run came from, read off its id ({@code recurring:<name>:<due ms>}, see
     * tick.lua); a name may itself hold colons, so the due time is what follows the last one.
     *
     * @return the recurring job's name, or null when this is not such a run
     */
    String recurringName() {
        if (!id.startsWith("recurring:")) {
            return null;
        }
        int last = id.lastIndexOf(':');
        return last <= "recurring:".length() ? null : id.substring("recurring:".length(), last);
    }

    /** @return the public snapshot of this record */
    public io.jrq.JobInfo toInfo() {
        return new io.jrq.JobInfo(
                id,
                queue,
                status,
                fn == null ? "" : fn,
                description == null ? "" : description,
                meta,
                java.util.Optional.ofNullable(enqueuedAt),
                java.util.Optional.ofNullable(startedAt),
                java.util.Optional.ofNullable(endedAt),
                attempts,
                java.util.Optional.ofNullable(worker),
                java.util.Optional.ofNullable(error),
                attemptErrors,
                java.util.Optional.ofNullable(dueAt),
                java.util.Optional.ofNullable(progress),
                argsJson == null ? "[]" : argsJson,
                status == JobStatus.FINISHED ? java.util.Optional.ofNullable(resultJson) : java.util.Optional.empty(),
                dependsOn,
                dependents,
                java.util.Optional.ofNullable(recurringName()));
    }

    static List<AttemptError> attemptErrors(String json) {
        if (json == null) {
            return List.of();
        }
        try {
            List<AttemptError> out = new ArrayList<>();
            for (JsonNode n : Json.mapper().readTree(json)) {
                out.add(new AttemptError(
                        n.path("attempt").asInt(),
                        n.path("type").asText(),
                        n.path("message").asText(),
                        Instant.ofEpochMilli(n.path("at").asLong())));
            }
            return List.copyOf(out);
        } catch (Exception e) {
            return List.of();
        }
    }

    /**
     * @param json a progress object {@code {"percent":..,"message":..}}
     * @return the progress, or null when absent or unreadable
     */
    public static Progress progress(String json) {
        if (json == null) {
            return null;
        }
        try {
            JsonNode n = Json.mapper().readTree(json);
            return progress(n);
        } catch (Exception e) {
            return null;
        }
    }

    static Progress progress(JsonNode n) {
        int p = n.path("percent").asInt(-1);
        return p < 0 || p > 100 ? null : new Progress(p, n.path("message").asText(""));
    }

    static JobError error(String json) {
        if (json == null) {
            return null;
        }
        try {
            JsonNode n = Json.mapper().readTree(json);
            return new JobError(
                    n.path("type").asText(),
                    n.path("message").asText(),
                    n.path("stackTrace").asText());
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
            return StoredNumbers.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
