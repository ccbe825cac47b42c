package io.jrq;

/**
 * Where a job is in its life. A job moves QUEUED → STARTED → FINISHED or FAILED; a job whose worker
 * died goes from STARTED back to QUEUED (see {@code docs/PROTOCOL.md} for the state machine).
 */
public enum JobStatus {
    /** Waiting in its queue's ready list for a worker. */
    QUEUED,
    /** Leased by a worker, which is running it. */
    STARTED,
    /** Ran to completion; its result (possibly {@code null}) is stored until the result TTL passes. */
    FINISHED,
    /** Threw, was not allowed to run, had a bad payload, or lost its worker too often. */
    FAILED;

    /** @return true for FINISHED and FAILED, the states a job never leaves */
    public boolean isTerminal() {
        return this == FINISHED || this == FAILED;
    }
}
