package io.jrq;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * A recurring job as stored when it was read, from {@link Recurring#list()} or {@link Recurring#get}.
 * Times are Redis server time.
 *
 * @param name the name, unique within the queue
 * @param queue the queue its runs go to
 * @param function what each run calls: {@code class::method} or a handler name
 * @param cron the cron expression, or empty for an interval job
 * @param cronSyntax the cron expression's syntax, or empty for an interval job
 * @param interval the interval, or empty for a cron job
 * @param zone the zone whose wall clock the cron expression reads (UTC for interval jobs)
 * @param nextDue when the next tick is due; empty when no due time is stored (a definition written
 *     by hand without one)
 * @param misfire what happens to ticks missed while no worker ran
 * @param description the description every run carries, or empty
 * @param createdAt when it was first scheduled
 * @param updatedAt when it was last scheduled (created or updated)
 */
public record RecurringInfo(
        String name,
        String queue,
        String function,
        Optional<String> cron,
        Optional<CronSyntax> cronSyntax,
        Optional<Duration> interval,
        ZoneId zone,
        Optional<Instant> nextDue,
        Misfire misfire,
        Optional<String> description,
        Instant createdAt,
        Instant updatedAt) {}
