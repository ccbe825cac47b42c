package io.jrq;

/**
 * Where a job is in its life. A job moves QUEUED → STARTED → FINISHED or FAILED; it may start
 * SCHEDULED (due later) or DEFERRED (waiting for other jobs); a failed attempt with retries left goes
 * back to SCHEDULED or QUEUED; a job whose worker died goes from STARTED back to QUEUED. See
 * {@code docs/PROTOCOL.md} for the whole state machine.
 */
public enum JobStatus {
    /** Due later: a delayed job, or a retry waiting out its backoff. */
    SCHEDULED,
    /** Waiting for the jobs it depends on to finish. */
    DEFERRED,
    /** Waiting in its queue's ready list for a worker. */
    QUEUED,
    /** Leased by a worker, which is running it. */
    STARTED,
    /** Ran to completion; its result (possibly {@code null}) is stored until the result TTL passes. */
    FINISHED,
    /** Threw with no retries left, timed out, was not allowed to run, had a bad payload, or lost its worker too often. */
    FAILED,
    /** Canceled before it started. */
    CANCELED,
    /** Stopped while it ran, on request. */
    STOPPED;

    /** @return true for FINISHED, FAILED, CANCELED and STOPPED, the states a job never leaves by itself */
    public boolean isTerminal() {
        return this == FINISHED || this == FAILED || this == CANCELED || this == STOPPED;
    }
}
