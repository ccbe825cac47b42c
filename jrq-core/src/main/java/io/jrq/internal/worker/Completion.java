package io.jrq.internal.worker;

/**
 * The outcome of a job waiting to be acknowledged to Redis by the next fetch call of its queue.
 *
 * @param job the job
 * @param outcome how it ended
 * @param ttlSeconds how long Redis keeps the ended job
 */
record Completion(LeasedJob job, Outcome outcome, long ttlSeconds) {
}
