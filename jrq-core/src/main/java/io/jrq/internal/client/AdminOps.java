package io.jrq.internal.client;

import io.jrq.JobInfo;
import io.jrq.JobStatus;
import io.jrq.QueueInfo;
import io.jrq.QueueLimits;
import io.jrq.WorkerInfo;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What {@code io.jrq.Admin} needs from a backend; see its javadoc for the contract of each method. */
public interface AdminOps {
    /** @return the names of all known queues */
    Set<String> queues();

    /** @param queue a queue @return its info */
    QueueInfo queue(String queue);

    /** @return a page of jobs in a state */
    List<JobInfo> jobs(String queue, JobStatus state, int offset, int limit);

    /** @return one job */
    Optional<JobInfo> job(String queue, String id);

    /** @return how many ended jobs were requeued */
    long requeue(String queue, List<String> ids);

    /** @return how many failed jobs were requeued */
    long requeueAllFailed(String queue);

    /** @return how many jobs were deleted */
    long delete(String queue, List<String> ids);

    /** @return how many failed jobs were deleted */
    long deleteAllFailed(String queue);

    /** Pauses or resumes a queue. */
    void pause(String queue, boolean paused);

    /** @return how many queued jobs were deleted */
    long empty(String queue);

    /** Sets a queue's limits. */
    void limit(String queue, QueueLimits limits);

    /** @return a job found by id in any queue, with its dependents */
    Optional<JobInfo> findJob(String id);

    /** @return whether a scheduled job was moved to the front of its queue */
    boolean runNow(String queue, String id);

    /** @return per-minute endings, oldest first, the current minute last */
    List<io.jrq.MinuteCount> history(String queue, int minutes);

    /** @return how many partitions take the queue's new jobs (1 unless it is partitioned) */
    int partitions(String queue);

    /** Changes how many partitions take the queue's new jobs; see {@code Admin.partitions(String, int)}. */
    void partitions(String queue, int count);

    /** @return live workers */
    List<WorkerInfo> workers();
}
