package io.jrq;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of a job as stored when it was read. Times are Redis server time.
 *
 * @param id the job id
 * @param queue its queue
 * @param status its status
 * @param function the payload's {@code fn} ({@code class::method} or a handler name); empty if the payload is unreadable
 * @param description the description given at enqueue, or empty
 * @param meta the metadata given at enqueue
 * @param enqueuedAt when it was enqueued
 * @param startedAt when its latest attempt started, if it did
 * @param endedAt when it ended, if it did
 * @param attempts how many attempts have started
 * @param worker the worker that ran (or runs) it, if any
 * @param error the latest error, when an attempt failed
 * @param attemptErrors the errors of the failed attempts, oldest first (at most 20)
 * @param dueAt when a SCHEDULED job is due
 * @param progress the latest progress the job reported
 * @param arguments the payload's arguments as a JSON array; {@code []} when the payload is unreadable, and for a
 *     FINISHED job without description or meta, whose payload is not kept once it finished (only its function is)
 * @param result the result as JSON, when the job FINISHED and its result is kept
 * @param dependsOn the jobs this one waits (or waited) for, as {@code queue/id}
 * @param dependents the jobs that wait for this one, as {@code queue/id}; filled by
 *     {@link Admin#job(String, String)} only (listings leave it empty, to keep a page one read per job)
 * @param recurring the name of the recurring job whose tick enqueued this run, if it is such a run
 */
public record JobInfo(
        String id,
        String queue,
        JobStatus status,
        String function,
        String description,
        Map<String, String> meta,
        Optional<Instant> enqueuedAt,
        Optional<Instant> startedAt,
        Optional<Instant> endedAt,
        int attempts,
        Optional<String> worker,
        Optional<JobError> error,
        List<AttemptError> attemptErrors,
        Optional<Instant> dueAt,
        Optional<Progress> progress,
        String arguments,
        Optional<String> result,
        List<String> dependsOn,
        List<String> dependents,
        Optional<String> recurring) {}
