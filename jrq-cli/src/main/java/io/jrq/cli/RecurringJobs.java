package io.jrq.cli;

import io.jrq.Jrq;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The command line's view of recurring jobs: an adapter over the core's {@code jrq.recurring()}. */
interface RecurringJobs {
    /**
     * A recurring job as listed.
     *
     * @param queue the queue its jobs go to
     * @param name its name, unique within the queue
     * @param schedule its schedule as written (cron expression or interval)
     * @param function what each job runs
     * @param nextRun when the next job is due, if known
     */
    record Entry(String queue, String name, String schedule, String function, Optional<Instant> nextRun) {}

    /** @return every recurring job, sorted by queue and name */
    List<Entry> list();

    /**
     * @param queue the queue
     * @param name the recurring job's name
     * @return true when it existed and was deleted
     */
    boolean delete(String queue, String name);

    /**
     * @param jrq a connected client
     * @return recurring jobs through the client's API
     */
    static RecurringJobs of(Jrq jrq) {
        return new RecurringJobs() {
            @Override
            public List<Entry> list() {
                return jrq.recurring().list().stream()
                        .map(r -> new Entry(
                                r.queue(),
                                r.name(),
                                r.cron()
                                        .map(c -> c + " (" + r.zone().getId() + ")")
                                        .orElseGet(() -> "every "
                                                + r.interval()
                                                        .map(Durations::format)
                                                        .orElse("?")),
                                r.function(),
                                r.nextDue()))
                        .sorted(java.util.Comparator.comparing(Entry::queue).thenComparing(Entry::name))
                        .toList();
            }

            @Override
            public boolean delete(String queue, String name) {
                return jrq.recurring().delete(queue, name);
            }
        };
    }
}
