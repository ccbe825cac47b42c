package io.jrq;

import io.jrq.internal.client.AdminOps;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The operators' view and controls: queues with counts per state, pages of jobs per state, workers,
 * and the operations of a mature queue (requeue failed jobs, delete, pause, resume, empty, limits).
 * The CLI and the dashboard use only this API. Get it with {@link Jrq#admin()}. Thread-safe.
 */
public final class Admin {
    /** How many minutes of per-minute counts Redis keeps per queue: six hours. */
    public static final int HISTORY_MINUTES = 360;

    private final AdminOps ops;

    Admin(AdminOps ops) {
        this.ops = ops;
    }

    /** @return every queue ever used, with its counts, sorted by name */
    public List<QueueInfo> queues() {
        return ops.queues().stream().sorted().map(ops::queue).toList();
    }

    /**
     * @param queue a queue name
     * @return its counts, paused flag and limits
     */
    public QueueInfo queue(String queue) {
        return ops.queue(queue);
    }

    /**
     * A page of jobs in one state. QUEUED lists in the order they will run; STARTED and SCHEDULED by
     * deadline or due time; FINISHED, FAILED and CANCELED (with STOPPED) most recent first.
     *
     * @param queue the queue
     * @param state the state
     * @param offset jobs to skip, zero or more
     * @param limit at most this many, 1 to 1000
     * @return the jobs (jobs that vanished between listing and reading are left out)
     */
    public List<JobInfo> jobs(String queue, JobStatus state, int offset, int limit) {
        Objects.requireNonNull(state, "state");
        if (offset < 0 || limit < 1 || limit > 1000) {
            throw new IllegalArgumentException(
                    "offset must be >= 0 and limit between 1 and 1000, got offset " + offset + ", limit " + limit);
        }
        return ops.jobs(queue, state, offset, limit);
    }

    /**
     * @param queue the queue
     * @param id a job id
     * @return the job, if it exists
     */
    public Optional<JobInfo> job(String queue, String id) {
        return ops.job(queue, id);
    }

    /**
     * Puts ended jobs (FAILED, CANCELED or STOPPED) back on their queue with a fresh attempt budget.
     *
     * @param queue the queue
     * @param ids the jobs
     * @return how many were requeued
     */
    public long requeue(String queue, List<String> ids) {
        return ops.requeue(queue, ids);
    }

    /**
     * @param queue the queue
     * @return how many failed jobs were requeued (all of them)
     */
    public long requeueAllFailed(String queue) {
        return ops.requeueAllFailed(queue);
    }

    /**
     * Deletes jobs that are not running.
     *
     * @param queue the queue
     * @param ids the jobs
     * @return how many were deleted
     * @throws JrqException when some of them are running (stop them first); the others are deleted
     */
    public long delete(String queue, List<String> ids) {
        return ops.delete(queue, ids);
    }

    /**
     * @param queue the queue
     * @return how many failed jobs were deleted (all of them)
     */
    public long deleteAllFailed(String queue) {
        return ops.deleteAllFailed(queue);
    }

    /**
     * Stops workers from taking jobs from the queue; running jobs go on.
     *
     * @param queue the queue
     */
    public void pause(String queue) {
        ops.pause(queue, true);
    }

    /**
     * Lets workers take jobs from the queue again.
     *
     * @param queue the queue
     */
    public void resume(String queue) {
        ops.pause(queue, false);
    }

    /**
     * @param queue the queue
     * @return how many queued jobs were deleted
     */
    public long empty(String queue) {
        return ops.empty(queue);
    }

    /**
     * Sets the queue's limits, which all workers obey; {@link QueueLimits#NONE} removes them.
     *
     * @param queue the queue
     * @param limits the limits
     */
    public void limit(String queue, QueueLimits limits) {
        ops.limit(queue, Objects.requireNonNull(limits, "limits"));
    }

    /**
     * Finds a job by id in any known queue.
     *
     * @param id a job id
     * @return the job with its dependents, if some queue has it
     */
    public Optional<JobInfo> findJob(String id) {
        Objects.requireNonNull(id, "id");
        return ops.findJob(id);
    }

    /**
     * Moves a SCHEDULED job (delayed, or waiting out a retry's backoff) to the front of its queue, to
     * run next.
     *
     * @param queue the queue
     * @param id the job
     * @return true when it was scheduled and now waits to run; false when it is not (or no longer) scheduled
     */
    public boolean runNow(String queue, String id) {
        Objects.requireNonNull(id, "id");
        return ops.runNow(queue, id);
    }

    /**
     * Jobs of the queue that ended per minute, from counters the workers keep in Redis for the last
     * {@value #HISTORY_MINUTES} minutes (a bounded ring: one hash field per minute that saw an ending).
     *
     * @param queue the queue
     * @param minutes how many minutes back from the current one, 1 to {@value #HISTORY_MINUTES}
     * @return one entry per minute, oldest first, ending with the current (partial) minute; minutes
     *     without endings count zero
     */
    public List<MinuteCount> history(String queue, int minutes) {
        if (minutes < 1 || minutes > HISTORY_MINUTES) {
            throw new IllegalArgumentException("minutes must be between 1 and " + HISTORY_MINUTES + ", got " + minutes);
        }
        return ops.history(queue, minutes);
    }

    /**
     * @param queue a queue
     * @return how many partitions take its new jobs: 1 unless {@link #partitions(String, int)} made more
     */
    public int partitions(String queue) {
        return ops.partitions(queue);
    }

    /**
     * Spreads a queue over {@code count} partitions, so that one busy queue can use every master of a
     * Redis Cluster. Each partition is a queue of its own to Redis, with its own hash tag
     * ({@code emails}, {@code emails~1}, ...; partition 0 keeps the queue's own keys, so growing from
     * one is safe while jobs wait and run); on a cluster, new partitions are named so that their slots
     * land on the masters that hold the fewest of the queue's partitions. The choice is stored in Redis:
     * producers pick it up within seconds, workers serving the queue start serving new partitions
     * within seconds, and every operation of this class on the queue covers all its partitions.
     *
     * <p>What each guarantee becomes over partitions is in docs/PROTOCOL.md ("Partitioned queues"): a
     * job goes to the partition its ordering key, unique key or id hashes to; priorities and FIFO hold
     * per partition; limits are shared out between the partitions; unique keys hold over the queue
     * while the count stays the same.
     *
     * <p>Shrinking loses nothing: partitions beyond {@code count} take no new jobs, and workers serve
     * them until they are empty; a later call retires those that are empty a minute after they took
     * their last job.
     *
     * @param queue a queue (not a partition's name)
     * @param count 1 to 64
     * @throws IllegalArgumentException for a bad name or count, or limits that cannot be shared by
     *     that many partitions (a concurrency or rate limit below the count); nothing is changed
     */
    public void partitions(String queue, int count) {
        ops.partitions(queue, count);
    }

    /** @return the live workers */
    public List<WorkerInfo> workers() {
        return ops.workers();
    }
}
