package io.jrq;

/**
 * The cron dialects {@link RecurringJob.Builder#cron(String, java.time.ZoneId, CronSyntax)} reads, as
 * defined by the cron-utils library. Fields are separated by spaces; all accept lists
 * ({@code 1,15}), ranges ({@code 1-5}), steps ({@code *}{@code /10}) and month and day names
 * ({@code JAN}, {@code MON}).
 */
public enum CronSyntax {
    /**
     * The default: classic crontab, 5 fields {@code minute hour day-of-month month day-of-week}
     * ({@code 0 3 * * *} = every day at 03:00; day-of-week 0 or 7 is Sunday). Finest step: one minute.
     */
    UNIX,
    /**
     * Spring's {@code @Scheduled} cron, 6 fields with seconds first:
     * {@code second minute hour day-of-month month day-of-week} ({@code 0 0 3 * * *}; {@code *}{@code /5 * * * * *}
     * = every 5 seconds). Also {@code L}, {@code W}, {@code #} and macros such as {@code @daily}.
     */
    SPRING,
    /**
     * Quartz cron, 6 or 7 fields: {@code second minute hour day-of-month month day-of-week [year]}
     * with {@code ?} in one of the two day fields ({@code 0 0 3 ? * MON-FRI}).
     */
    QUARTZ
}
