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
 */
public record JobInfo(String id, String queue, JobStatus status, String function, String description, Map<String, String> meta,
                      Optional<Instant> enqueuedAt, Optional<Instant> startedAt, Optional<Instant> endedAt, int attempts,
                      Optional<String> worker, Optional<JobError> error, List<AttemptError> attemptErrors,
                      Optional<Instant> dueAt, Optional<Progress> progress) {
}
