package io.jrq.dashboard.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.jrq.JobStatus;
import io.jrq.MinuteCount;
import io.jrq.QueueInfo;
import io.jrq.QueueLimits;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The overview's rates: a sliding 60-second window over the per-minute counters. */
class QueueStatsTest {
    private static final Instant MINUTE = Instant.parse("2026-12-06T10:15:00Z");
    private static final QueueInfo INFO =
            new QueueInfo("mail", false, Map.of(JobStatus.QUEUED, 3L), QueueLimits.NONE, 0, 0, Optional.empty());

    private static QueueStats at(
            int secondsIntoMinute, long previousFinished, long currentFinished, long currentFailed) {
        List<MinuteCount> history = List.of(
                new MinuteCount(MINUTE.minusSeconds(60), previousFinished, 0),
                new MinuteCount(MINUTE, currentFinished, currentFailed));
        return new QueueStats(INFO, 1, history, MINUTE.plusSeconds(secondsIntoMinute));
    }

    @Test
    void aQueueThatJustStartedWorkingShowsItsRateAtOnce() {
        // 600 jobs in the first 20 s of its first minute: over the last 60 s that is 10/s
        assertThat(at(20, 0, 600, 0).finishedPerSecond()).isCloseTo(10.0, within(1e-9));
    }

    @Test
    void theShareOfThePreviousMinuteStillInTheWindowCounts() {
        // 15 s into the minute: 45 s of the previous minute's 120 jobs (90) plus the current 30
        QueueStats s = at(15, 120, 30, 6);
        assertThat(s.finishedPerSecond()).isCloseTo(2.0, within(1e-9));
        assertThat(s.failedPerSecond()).isCloseTo(0.1, within(1e-9));
    }

    @Test
    void aClockAheadOrBehindRedisStaysWithinOneMinute() {
        assertThat(at(-5, 120, 30, 0).finishedPerSecond()).isCloseTo(2.5, within(1e-9));
        assertThat(at(90, 120, 30, 0).finishedPerSecond()).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void noHistoryIsNoRate() {
        assertThat(new QueueStats(INFO, 0, List.of(), MINUTE).finishedPerSecond())
                .isZero();
    }
}
