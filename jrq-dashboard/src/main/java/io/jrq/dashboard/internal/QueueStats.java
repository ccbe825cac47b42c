package io.jrq.dashboard.internal;

import io.jrq.JobStatus;
import io.jrq.MinuteCount;
import io.jrq.QueueInfo;
import java.time.Instant;
import java.util.List;

/**
 * A queue with what the overview derives for it: workers serving it, rates over the last complete
 * minute and the age of its oldest waiting job.
 *
 * @param info the queue's counts
 * @param workers live workers that serve it
 * @param history per-minute endings, oldest first, the current minute last
 * @param now when this was read (the dashboard's clock)
 */
record QueueStats(QueueInfo info, int workers, List<MinuteCount> history, Instant now) {
    /** The states the pages show, in order (STOPPED is counted with CANCELED). */
    static final List<JobStatus> SHOWN = List.of(JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED,
            JobStatus.FINISHED, JobStatus.FAILED, JobStatus.CANCELED);

    double finishedPerSecond() {
        return lastFullMinute() == null ? 0 : lastFullMinute().finished() / 60.0;
    }

    double failedPerSecond() {
        return lastFullMinute() == null ? 0 : lastFullMinute().failed() / 60.0;
    }

    private MinuteCount lastFullMinute() {
        return history.size() < 2 ? null : history.get(history.size() - 2);
    }

    /** @return how long the next job to run has waited, in ms, or null when none waits */
    Long oldestAgeMs() {
        return info.oldestQueuedAt().map(t -> Math.max(0, now.toEpochMilli() - t.toEpochMilli())).orElse(null);
    }

    /** @return true when jobs wait and no live worker serves the queue */
    boolean noWorker() {
        return workers == 0 && info.count(JobStatus.QUEUED) > 0;
    }
}
