package io.jrq.internal.client;

import io.jrq.internal.schedule.RecurringDef;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Recurring jobs of {@code Jrq.inline()}: kept in memory with their due times so that code that
 * schedules them at startup works unchanged in unit tests. Inline mode has no workers, so nothing
 * ever runs them.
 */
final class InlineRecurringStore implements RecurringStore {
    private final Clock clock;
    private final Map<String, Stored> jobs = new ConcurrentHashMap<>();

    InlineRecurringStore(Clock clock) {
        this.clock = clock;
    }

    private static String key(String queue, String name) {
        return queue + "\u0000" + name;
    }

    @Override
    public synchronized Stored upsert(RecurringDef def) {
        long now = clock.millis();
        Stored old = jobs.get(key(def.queue(), def.name()));
        boolean keep = old != null && old.def().scheduleKey().equals(def.scheduleKey());
        RecurringDef stored = def.withTimes(old != null ? old.def().createdAt() : now, now);
        Stored s = new Stored(stored, keep ? old.dueMs() : def.schedule().first(now));
        jobs.put(key(def.queue(), def.name()), s);
        return s;
    }

    @Override
    public boolean delete(String queue, String name) {
        return jobs.remove(key(queue, name)) != null;
    }

    @Override
    public Optional<Stored> get(String queue, String name) {
        return Optional.ofNullable(jobs.get(key(queue, name)));
    }

    /** Inline mode runs no recurring job, by hand or by schedule: there is nothing to trigger. */
    @Override
    public Optional<String> trigger(String queue, String name) {
        throw new UnsupportedOperationException(
                "inline mode has no workers, so recurring jobs never run; test the job's method directly");
    }

    @Override
    public List<Stored> list() {
        List<Stored> all = new ArrayList<>(jobs.values());
        all.sort(Comparator.comparing((Stored s) -> s.def().queue())
                .thenComparing(s -> s.def().name()));
        return all;
    }
}
