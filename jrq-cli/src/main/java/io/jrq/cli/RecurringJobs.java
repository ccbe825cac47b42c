package io.jrq.cli;

import io.jrq.Jrq;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The command line's view of recurring jobs, kept apart from the core's API so that
 * {@code jrq recurring} can be wired to it in one place once the core has it
 * ({@code jrq.recurring()} with {@code list()} and {@code delete(queue, name)}). Until then
 * {@link #of(Jrq)} reports that this version has no recurring jobs.
 */
interface RecurringJobs {
    /** The message, and exit code 2, of every {@code jrq recurring} command in this version. */
    String UNAVAILABLE = "recurring jobs are not available in this version of jrq";

    /**
     * A recurring job as listed.
     *
     * @param queue the queue its jobs go to
     * @param name its name, unique within the queue
     * @param schedule its schedule as written (cron expression or interval)
     * @param function what each job runs
     * @param nextRun when the next job is due, if known
     */
    record Entry(String queue, String name, String schedule, String function, Optional<Instant> nextRun) {
    }

    /** @return every recurring job, sorted by queue and name */
    List<Entry> list();

    /**
     * @param queue the queue
     * @param name the recurring job's name
     * @return true when it existed and was deleted
     */
    boolean delete(String queue, String name);

    /**
     * Checks that this version can manage recurring jobs, before anything connects to Redis.
     *
     * @throws CliException with exit code 2 when it cannot
     */
    static void requireAvailable() {
        throw new CliException(ExitCodes.USAGE, UNAVAILABLE);
    }

    /**
     * @param jrq a connected client
     * @return recurring jobs through the client's API
     * @throws CliException with exit code 2 when this version has none
     */
    static RecurringJobs of(Jrq jrq) {
        // Wire to the core here once it has recurring jobs: return an adapter over jrq.recurring().
        throw new CliException(ExitCodes.USAGE, UNAVAILABLE);
    }
}
