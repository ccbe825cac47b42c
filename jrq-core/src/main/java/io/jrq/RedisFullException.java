package io.jrq;

import java.util.List;

/**
 * Redis refused a write because it is full: its memory reached {@code maxmemory} and its
 * {@code maxmemory-policy} frees nothing ({@code noeviction}, the setting a job queue needs, or no
 * key left that it may evict). Redis refuses such a write before it runs, so the refused call
 * stored nothing: for an enqueue, {@link #jobIds()} were not stored and enqueueing them again (once
 * memory is freed) cannot duplicate them. Only a bulk enqueue of more than one batch (500 jobs) can
 * have stored some jobs before Redis filled up: those are {@link #storedJobIds()}.
 *
 * <p>Reads, deletes and the ending of running jobs still work on a full Redis; to make room, delete
 * ended jobs or queues no longer needed, let results expire sooner ({@code resultTtl}), or raise
 * {@code maxmemory}.
 */
public class RedisFullException extends JrqException {
    private static final long serialVersionUID = 1L;

    private final String queue;
    private final List<String> jobIds;
    private final List<String> storedJobIds;

    /**
     * For a write that is not an enqueue.
     *
     * @param message names the server and what was refused
     * @param cause the driver's exception
     */
    public RedisFullException(String message, Throwable cause) {
        this(message, null, List.of(), List.of(), cause);
    }

    /**
     * @param message names the server, the queue and the jobs
     * @param queue the queue of the refused jobs
     * @param jobIds the jobs that were not stored
     * @param storedJobIds jobs of the same bulk enqueue that were stored (earlier batches), often none
     * @param cause the driver's exception, or null
     */
    public RedisFullException(
            String message, String queue, List<String> jobIds, List<String> storedJobIds, Throwable cause) {
        super(message, cause);
        this.queue = queue;
        this.jobIds = List.copyOf(jobIds);
        this.storedJobIds = List.copyOf(storedJobIds);
    }

    /** @return the queue of the refused enqueue, or null when the refused write was not an enqueue */
    public String queue() {
        return queue;
    }

    /** @return the jobs that were not stored, in enqueue order (empty when the write was not an enqueue) */
    public List<String> jobIds() {
        return jobIds;
    }

    /** @return the jobs of the same bulk enqueue that were stored before Redis refused the rest; usually empty */
    public List<String> storedJobIds() {
        return storedJobIds;
    }
}
