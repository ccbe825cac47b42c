package io.jrq;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A queue as operators see it.
 *
 * @param name the queue
 * @param paused true while workers take no jobs from it
 * @param counts jobs per state: QUEUED, STARTED, SCHEDULED, DEFERRED, and the kept ended jobs
 *     (FINISHED, FAILED, CANCELED which also counts STOPPED); every state is present
 * @param limits the queue's concurrency and rate limits
 * @param finishedTotal jobs of the queue that ever ended FINISHED, as counted by workers; unlike the
 *     FINISHED count it does not shrink when ended jobs expire or pass the registry's cap, so the
 *     difference of two readings is the throughput
 * @param failedTotal jobs that ever ended FAILED through a worker (its last attempt failed, it lost
 *     its worker too often, or its record was moved aside as corrupt)
 * @param oldestQueuedAt when the job that has waited longest on the ready list (the next to run) was
 *     enqueued, Redis time; empty when none waits (for a partitioned queue, the earliest of its
 *     partitions')
 * @param partitions how many partitions take the queue's new jobs, 1 unless it is partitioned
 *     ({@link Admin#partitions(String, int)}); counts, totals and the oldest job cover all of them,
 *     including partitions that only drain
 */
public record QueueInfo(
        String name,
        boolean paused,
        Map<JobStatus, Long> counts,
        QueueLimits limits,
        long finishedTotal,
        long failedTotal,
        Optional<Instant> oldestQueuedAt,
        int partitions) {
    /** A queue of one partition. */
    public QueueInfo(
            String name,
            boolean paused,
            Map<JobStatus, Long> counts,
            QueueLimits limits,
            long finishedTotal,
            long failedTotal,
            Optional<Instant> oldestQueuedAt) {
        this(name, paused, counts, limits, finishedTotal, failedTotal, oldestQueuedAt, 1);
    }

    /** The states a queue counts, in the order operators' views show them; CANCELED includes STOPPED. */
    public static final List<JobStatus> COUNTED = List.of(
            JobStatus.QUEUED,
            JobStatus.STARTED,
            JobStatus.SCHEDULED,
            JobStatus.DEFERRED,
            JobStatus.FINISHED,
            JobStatus.FAILED,
            JobStatus.CANCELED);

    /**
     * @param now the time to measure at, usually this host's clock
     * @return how long the next job to run has waited at {@code now}, never negative (the enqueue time
     *     is Redis' clock, which may run ahead of this host's); empty when none waits
     */
    public Optional<Duration> oldestQueuedAge(Instant now) {
        return oldestQueuedAt.map(t -> t.isAfter(now) ? Duration.ZERO : Duration.between(t, now));
    }

    /** @param status a state @return how many jobs of the queue are in it */
    public long count(JobStatus status) {
        return counts.getOrDefault(status, 0L);
    }
}
