package io.jrq;

import java.time.Instant;

/**
 * How many jobs of a queue ended in one minute, from the per-minute counters workers keep in Redis
 * (see {@link Admin#history(String, int)}).
 *
 * @param minute the start of the minute, Redis time
 * @param finished jobs that ended FINISHED in it
 * @param failed jobs that ended FAILED in it
 */
public record MinuteCount(Instant minute, long finished, long failed) {}
