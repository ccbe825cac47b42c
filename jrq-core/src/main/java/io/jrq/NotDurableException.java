package io.jrq;

import java.util.List;

/**
 * An enqueue asked for a {@link Durability} that Redis did not confirm in time. The jobs ARE
 * stored and will run; only their survival of a Redis crash or failover is unconfirmed. Enqueuing
 * them again would create duplicates, so a caller that must not lose them either accepts the risk,
 * checks later that they exist (by id), or enqueues with a custom job id so that a retry is
 * refused as a duplicate.
 */
public class NotDurableException extends JrqException {
    private static final long serialVersionUID = 1L;

    private final String queue;
    private final List<String> jobIds;
    private final int replicasAcknowledged;
    private final boolean localFsynced;

    /**
     * @param message what was asked and what was confirmed
     * @param queue the queue the jobs are in
     * @param jobIds the stored jobs
     * @param replicasAcknowledged how many replicas confirmed
     * @param localFsynced whether the primary confirmed its fsync (false when not asked for)
     * @param cause the underlying failure, or null
     */
    public NotDurableException(
            String message,
            String queue,
            List<String> jobIds,
            int replicasAcknowledged,
            boolean localFsynced,
            Throwable cause) {
        super(message, cause);
        this.queue = queue;
        this.jobIds = List.copyOf(jobIds);
        this.replicasAcknowledged = replicasAcknowledged;
        this.localFsynced = localFsynced;
    }

    /** @return the queue the stored jobs are in */
    public String queue() {
        return queue;
    }

    /** @return the id of the (first) stored job */
    public String jobId() {
        return jobIds.get(0);
    }

    /** @return every stored job whose durability is unconfirmed, in enqueue order */
    public List<String> jobIds() {
        return jobIds;
    }

    /** @return how many replicas confirmed before the timeout (-1 when Redis did not answer) */
    public int replicasAcknowledged() {
        return replicasAcknowledged;
    }

    /** @return whether the primary confirmed the fsync of its append-only file */
    public boolean localFsynced() {
        return localFsynced;
    }
}
