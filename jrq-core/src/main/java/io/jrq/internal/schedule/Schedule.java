package io.jrq.internal.schedule;

/**
 * When a recurring job is due: a cron expression in a time zone, or a fixed interval. Times are ms
 * since the epoch. Implementations are immutable and thread-safe.
 */
public interface Schedule {
    /** The due time of a schedule that never fires again (2^53 - 1, exact as a Redis score). */
    long NEVER = 9_007_199_254_740_991L;

    /**
     * @param anchor a tick of this schedule (the previous due time); intervals count from it, cron ignores it
     * @param after a time
     * @return the first tick strictly after {@code after}, or {@link #NEVER}
     */
    long nextAfter(long anchor, long after);

    /**
     * @param tick a tick of this schedule
     * @return the tick after it, or {@link #NEVER}
     */
    default long next(long tick) {
        return nextAfter(tick, tick);
    }

    /**
     * @param now the current time (Redis clock)
     * @return the first due time of a schedule created now
     */
    long first(long now);
}
