package io.jrq;

import java.util.List;

/**
 * An enqueue whose outcome is unknown: the jobs were sent to Redis, or may have been, but no answer
 * came (the command timed out, or the connection was lost after the call was written). They may be
 * stored, and then they run, or not. Every other exception of an enqueue means that nothing was
 * stored, except {@link NotDurableException} (stored, durability unconfirmed).
 *
 * <p>Do not enqueue the same work again under a new id: that can run it twice. Instead, either look
 * the jobs up ({@link Queue#job(String)} with {@link #jobIds()}), or enqueue the same call again
 * with the same id ({@link EnqueueOptions.Builder#jobId(String)} set to {@link #jobId()}): a job
 * enqueued again with its id and the same function, arguments and options returns the stored job,
 * whatever its state (queued, running or ended), without storing or resetting anything; when the
 * first attempt stored nothing, it stores the job. The ids are known even when jrq generated them.
 * A bulk enqueue is stored in batches of 500 jobs, each whole or not at all: look its jobs up by id.
 *
 * <p>It is a {@link RedisUnavailableException}, so handlers written for that still catch it.
 */
public class EnqueueUnknownException extends RedisUnavailableException {
    private static final long serialVersionUID = 1L;

    private final String queue;
    private final List<String> jobIds;

    /**
     * @param message what happened, the queue and the id(s), and what to do
     * @param queue the queue the jobs were enqueued on
     * @param jobIds every job of the enqueue, in enqueue order
     * @param cause the underlying failure
     */
    public EnqueueUnknownException(String message, String queue, List<String> jobIds, Throwable cause) {
        super(message, cause);
        this.queue = queue;
        this.jobIds = List.copyOf(jobIds);
    }

    /** @return the queue the jobs were enqueued on */
    public String queue() {
        return queue;
    }

    /** @return the id of the (first) job */
    public String jobId() {
        return jobIds.get(0);
    }

    /** @return the id of every job of the enqueue, in enqueue order */
    public List<String> jobIds() {
        return jobIds;
    }
}
