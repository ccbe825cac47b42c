package io.jrq;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits that hold for a queue across all workers: at most {@code concurrency} of its jobs running at
 * once, and at most {@code rate} jobs started per {@code period}. Set with {@link Admin#limit}.
 *
 * @param concurrency at most this many jobs running at once, or 0 for no limit
 * @param rate at most this many jobs started per period, or 0 for no limit
 * @param period the rate's window (fixed windows on the Redis clock)
 */
public record QueueLimits(int concurrency, int rate, Duration period) {
    /** No limits. */
    public static final QueueLimits NONE = new QueueLimits(0, 0, Duration.ofSeconds(1));

    /** Checks the values; messages name the bad value. */
    public QueueLimits {
        Objects.requireNonNull(period, "period");
        if (concurrency < 0) {
            throw new IllegalArgumentException("concurrency limit must be 0 (none) or more, got: " + concurrency);
        }
        if (rate < 0) {
            throw new IllegalArgumentException("rate limit must be 0 (none) or more, got: " + rate);
        }
        if (period.toMillis() < 1) {
            throw new IllegalArgumentException("rate period must be at least 1 ms, got: " + period);
        }
    }

    /**
     * @param n at most n jobs running at once
     * @return the limits
     */
    public static QueueLimits concurrency(int n) {
        return new QueueLimits(n, 0, Duration.ofSeconds(1));
    }

    /**
     * @param n jobs
     * @param per period
     * @return at most n jobs started per period
     */
    public static QueueLimits rate(int n, Duration per) {
        return new QueueLimits(0, n, per);
    }

    /**
     * @param n at most n jobs running at once
     * @return these limits with that concurrency limit
     */
    public QueueLimits withConcurrency(int n) {
        return new QueueLimits(n, rate, period);
    }
}
