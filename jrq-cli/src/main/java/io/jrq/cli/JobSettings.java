package io.jrq.cli;

import io.jrq.EnqueueOptions;
import io.jrq.RetryPolicy;
import java.time.Duration;
import java.time.Instant;

/**
 * What {@code jrq enqueue} applies to every job it enqueues: when it is due, how it is retried, how
 * long an attempt may run, as {@link EnqueueOptions} for the core's Queue API.
 *
 * @param at when the jobs are due, or null
 * @param delay how long after enqueue they are due, or null
 * @param retries how often a failed attempt is retried, 0 for never
 * @param retryDelay the fixed wait before each retry, or null for exponential backoff
 *     ({@link #BACKOFF_BASE} doubling up to {@link #BACKOFF_CAP}, with {@link #BACKOFF_JITTER} jitter)
 * @param timeout how long one attempt may run, or null for the worker's default
 */
record JobSettings(Instant at, Duration delay, int retries, Duration retryDelay, Duration timeout) {
    /** First wait of the default exponential backoff. */
    static final Duration BACKOFF_BASE = Duration.ofSeconds(1);
    /** Longest wait of the default exponential backoff. */
    static final Duration BACKOFF_CAP = Duration.ofMinutes(5);
    /** Share of each wait drawn at random, so that retries of jobs that failed together spread out. */
    static final double BACKOFF_JITTER = 0.2;

    /** No schedule, no retries, the worker's timeout. */
    static final JobSettings NONE = new JobSettings(null, null, 0, null, null);

    /** @return the enqueue options for the core's Queue API */
    EnqueueOptions toOptions() {
        EnqueueOptions.Builder b = EnqueueOptions.builder();
        if (at != null) {
            b.at(at);
        }
        if (delay != null) {
            b.delay(delay);
        }
        if (retries > 0) {
            b.retry(retryPolicy(retries, retryDelay));
        }
        if (timeout != null) {
            b.timeout(timeout);
        }
        return b.build();
    }

    /**
     * The retry policy that {@code --retry N [--retry-delay D]} stands for, in {@code jrq enqueue}
     * and {@code jrq worker} alike.
     *
     * @param retries how often a failed attempt is retried, 1 to 999
     * @param retryDelay the fixed wait before each retry, or null for the default exponential backoff
     * @return the policy
     */
    static RetryPolicy retryPolicy(int retries, Duration retryDelay) {
        return retryDelay != null
                ? RetryPolicy.fixed(retries + 1, retryDelay)
                : RetryPolicy.exponential(retries + 1, BACKOFF_BASE, BACKOFF_CAP, BACKOFF_JITTER);
    }
}
