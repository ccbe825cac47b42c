package io.jrq;

import io.jrq.internal.client.RecurringStore;
import io.jrq.internal.schedule.RecurringDef;
import io.jrq.internal.schedule.Schedule;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Creates, updates, lists and deletes recurring jobs; get it from {@link Jrq#recurring()}.
 *
 * <pre>{@code
 * Recurring r = jrq.recurring();
 * r.schedule(RecurringJob.builder("nightly-report").queue("reports")
 *         .cron("0 3 * * *", ZoneId.of("Europe/Paris")).call(Reports::build, 42).build());
 * r.list();                                  // every recurring job of every queue
 * r.delete("reports", "nightly-report");
 * }</pre>
 *
 * <p>There is no scheduler process: every worker serving a queue also ticks the queue's recurring
 * jobs (twice a second), and an atomic compare-and-set on each job's due time in Redis lets exactly
 * one of them enqueue the run of each tick, however many workers run. A tick therefore needs at
 * least one worker on the job's queue; ticks missed while there was none are handled by the job's
 * {@link Misfire} policy. Each run is an ordinary job of the queue, delivered at least once like
 * any other.
 *
 * <p>With {@link Jrq#inline()} the definitions are kept in memory (so code that schedules them at
 * startup works in unit tests) but never run. Thread-safe.
 */
public final class Recurring {
    private final RecurringStore store;
    private final JrqOptions options;

    Recurring(RecurringStore store, JrqOptions options) {
        this.store = store;
        this.options = options;
    }

    /**
     * Creates the recurring job, or replaces the one with the same queue and name. When the
     * schedule (cron expression, syntax and zone, or interval) is unchanged, the next due time is
     * kept; otherwise it is computed afresh from now. Changes reach the workers at their next round.
     *
     * @param job the job
     * @return the job as stored, with its next due time
     * @throws InvalidJobException when a run's payload would exceed {@link JrqOptions#maxPayloadBytes()}
     * @throws RedisUnavailableException when Redis cannot be reached
     */
    public RecurringInfo schedule(RecurringJob job) {
        Objects.requireNonNull(job, "job");
        RecurringDef def = job.toDef();
        String sample = def.envelope(Schedule.NEVER).toJson();
        int size = sample.getBytes(StandardCharsets.UTF_8).length;
        if (size > options.maxPayloadBytes()) {
            throw new InvalidJobException("the payload of each run of recurring job " + job.name() + " is " + size
                    + " bytes, over the limit of " + options.maxPayloadBytes() + " bytes (JrqOptions.maxPayloadBytes);"
                    + " store large data elsewhere and pass its key");
        }
        return info(store.upsert(def));
    }

    /** @return every recurring job of every queue, ordered by queue then name */
    public List<RecurringInfo> list() {
        return store.list().stream().map(Recurring::info).toList();
    }

    /**
     * Stored definitions that cannot be read (written by something other than jrq, or damaged):
     * {@link #list()} leaves them out and workers never run them, so they are reported here.
     *
     * @return {@code "queue/name: reason"} for each, ordered by queue; empty when all are readable
     */
    public List<String> unreadable() {
        return store.unreadable();
    }

    /**
     * @param queue the queue
     * @param name the job's name
     * @return the recurring job, or empty when there is none
     */
    public Optional<RecurringInfo> get(String queue, String name) {
        JobNames.checkQueueName(queue);
        Objects.requireNonNull(name, "name");
        return store.get(queue, name).map(Recurring::info);
    }

    /**
     * Deletes a recurring job: no tick is taken after this returns. Runs already enqueued stay in
     * the queue; cancel them as jobs if needed.
     *
     * @param queue the queue
     * @param name the job's name
     * @return true when it existed
     */
    public boolean delete(String queue, String name) {
        JobNames.checkQueueName(queue);
        Objects.requireNonNull(name, "name");
        return store.delete(queue, name);
    }

    /**
     * Enqueues one run of a recurring job now, with the payload a tick would give it, whatever its
     * schedule; the schedule is left as it is (the next tick stays due when it was). The run's id is
     * {@code recurring:<name>:<now ms>} like a tick's, so {@link JobInfo#recurring()} names the job.
     *
     * @param queue the queue
     * @param name the job's name
     * @return the run's job id, or empty when the queue has no such recurring job (or its definition
     *     cannot be read)
     * @throws UnsupportedOperationException in inline mode, which runs no recurring job
     * @throws JrqException in the rare case that a run with the same id (same job, same millisecond) exists
     */
    public Optional<String> trigger(String queue, String name) {
        JobNames.checkQueueName(queue);
        Objects.requireNonNull(name, "name");
        return store.trigger(queue, name);
    }

    private static RecurringInfo info(RecurringStore.Stored s) {
        RecurringDef d = s.def();
        boolean cron = d.cron() != null;
        return new RecurringInfo(
                d.name(),
                d.queue(),
                d.fn(),
                Optional.ofNullable(d.cron()),
                cron ? Optional.of(CronSyntax.valueOf(d.syntax())) : Optional.empty(),
                cron ? Optional.empty() : Optional.of(Duration.ofMillis(d.everyMs())),
                d.zone(),
                s.dueMs() < 0 || s.dueMs() >= Schedule.NEVER
                        ? Optional.empty()
                        : Optional.of(Instant.ofEpochMilli(s.dueMs())),
                Misfire.valueOf(d.misfire()),
                Optional.ofNullable(d.description()),
                Instant.ofEpochMilli(d.createdAt()),
                Instant.ofEpochMilli(d.updatedAt()));
    }
}
