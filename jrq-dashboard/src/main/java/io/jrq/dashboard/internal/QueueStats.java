package io.jrq.dashboard.internal;

import io.jrq.JobStatus;
import io.jrq.MinuteCount;
import io.jrq.QueueInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * A queue with what the overview derives for it: workers serving it, rates over the last 60 seconds
 * and the age of its oldest waiting job.
 *
 * @param info the queue's counts
 * @param workers live workers that serve it
 * @param history per-minute endings, oldest first, the current minute last
 * @param now when this was read (the dashboard's clock)
 */
record QueueStats(QueueInfo info, int workers, List<MinuteCount> history, Instant now) {
    double finishedPerSecond() {
        return perSecond(MinuteCount::finished);
    }

    double failedPerSecond() {
        return perSecond(MinuteCount::failed);
    }

    /**
     * The rate over the last 60 seconds, estimated from the per-minute counters as a sliding window:
     * all of the current minute plus the share of the previous minute still inside the window. The
     * last complete minute alone would show 0/s for up to a minute after a queue starts working.
     */
    private double perSecond(ToLongFunction<MinuteCount> count) {
        if (history.isEmpty()) {
            return 0;
        }
        MinuteCount current = history.get(history.size() - 1);
        // the minute is Redis time, now the dashboard's: clamp a skew between them
        long elapsedMs = Math.max(
                0, Math.min(60_000, now.toEpochMilli() - current.minute().toEpochMilli()));
        double previous = history.size() < 2 ? 0 : count.applyAsLong(history.get(history.size() - 2));
        return (count.applyAsLong(current) + previous * (60_000 - elapsedMs) / 60_000.0) / 60.0;
    }

    /** @return how long the next job to run has waited, in ms, or null when none waits */
    Long oldestAgeMs() {
        return info.oldestQueuedAge(now).map(Duration::toMillis).orElse(null);
    }

    /** @return true when jobs wait and no live worker serves the queue */
    boolean noWorker() {
        return workers == 0 && info.count(JobStatus.QUEUED) > 0;
    }
}
