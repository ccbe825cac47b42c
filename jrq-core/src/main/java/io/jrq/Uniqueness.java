package io.jrq;

/**
 * How long a job's unique key keeps duplicates out; see {@link EnqueueOptions.Builder#unique}. While
 * the key is held, enqueuing another job with the same key in the same queue returns the existing
 * job instead of creating one.
 */
public enum Uniqueness {
    /** Until a worker starts the job (a duplicate may be queued while the first one runs). */
    WHILE_QUEUED,
    /** Until the job ends: no duplicate while it is queued, scheduled, deferred or running. */
    WHILE_ACTIVE
}
