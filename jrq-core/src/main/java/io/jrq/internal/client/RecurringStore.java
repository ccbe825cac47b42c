package io.jrq.internal.client;

import io.jrq.internal.schedule.RecurringDef;
import java.util.List;
import java.util.Optional;

/** Where recurring job definitions and their due times live: Redis, or memory in inline mode. */
public interface RecurringStore {
    /**
     * A stored definition with its next due time.
     *
     * @param def the definition
     * @param dueMs the next due time in ms (Redis clock), or -1 when none is stored
     */
    record Stored(RecurringDef def, long dueMs) {}

    /**
     * Creates the job or replaces the definition of the one with the same queue and name. The due
     * time is kept when the schedule (cron, syntax, zone or interval) is unchanged, and otherwise
     * starts over from now. The creation time of an existing job is kept.
     *
     * @param def the new definition (its times are set here)
     * @return what was stored
     */
    Stored upsert(RecurringDef def);

    /** @return true when the job existed */
    boolean delete(String queue, String name);

    /** @return the job, or empty */
    Optional<Stored> get(String queue, String name);

    /**
     * Enqueues one run of the job now, as a tick would, leaving its schedule as it is.
     *
     * @return the run's job id, or empty when there is no such (readable) job
     */
    Optional<String> trigger(String queue, String name);

    /** @return every readable recurring job of every known queue, by queue then name */
    List<Stored> list();

    /** @return "queue/name: reason" for every stored definition that cannot be read (those never run) */
    default List<String> unreadable() {
        return List.of();
    }
}
