package io.jrq;

import java.util.Map;

/**
 * A queue as operators see it.
 *
 * @param name the queue
 * @param paused true while workers take no jobs from it
 * @param counts jobs per state: QUEUED, STARTED, SCHEDULED, DEFERRED, and the kept ended jobs
 *     (FINISHED, FAILED, CANCELED which also counts STOPPED); every state is present
 * @param limits the queue's concurrency and rate limits
 */
public record QueueInfo(String name, boolean paused, Map<JobStatus, Long> counts, QueueLimits limits) {
    /** @param status a state @return how many jobs of the queue are in it */
    public long count(JobStatus status) {
        return counts.getOrDefault(status, 0L);
    }
}
