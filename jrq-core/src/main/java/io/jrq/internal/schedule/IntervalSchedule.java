package io.jrq.internal.schedule;

/**
 * Every {@code everyMs} milliseconds, counted from the previous due time, so the ticks stay on one
 * grid however late each one is taken. The first tick is one interval after creation.
 *
 * @param everyMs the interval in ms, positive
 */
public record IntervalSchedule(long everyMs) implements Schedule {
    /** Checks the interval. */
    public IntervalSchedule {
        if (everyMs <= 0) {
            throw new IllegalArgumentException("interval must be positive, got " + everyMs + " ms");
        }
    }

    @Override
    public long nextAfter(long anchor, long after) {
        if (after < anchor) {
            return anchor - Math.floorDiv(anchor - after - 1, everyMs) * everyMs;
        }
        long n = Math.floorDiv(after - anchor, everyMs) + 1;
        if (n > (NEVER - anchor) / everyMs) {
            return NEVER;
        }
        return anchor + n * everyMs;
    }

    @Override
    public long first(long now) {
        return now + everyMs;
    }
}
