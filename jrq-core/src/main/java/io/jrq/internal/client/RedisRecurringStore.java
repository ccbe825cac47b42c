package io.jrq.internal.client;

import io.jrq.JrqException;
import io.jrq.RedisFullException;
import io.jrq.internal.Keys;
import io.jrq.internal.redis.Commands;
import io.jrq.internal.redis.Commands.Scored;
import io.jrq.internal.redis.Redis;
import io.jrq.internal.redis.ScriptGateway;
import io.jrq.internal.schedule.RecurringDef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recurring jobs in Redis: per queue, a hash of definitions ({@link Keys#recurring}) and a sorted
 * set of due times ({@link Keys#recurringDue}), both in the queue's hash slot so that
 * {@code tick.lua} reads and writes them with the ready list in one atomic step.
 */
final class RedisRecurringStore implements RecurringStore {
    private static final Logger log = LoggerFactory.getLogger(RedisRecurringStore.class);
    private static final int MAX_TRIES = 10;

    private final Redis redis;
    private final Keys keys;
    private final ScriptGateway scripts;

    RedisRecurringStore(Redis redis, Keys keys, ScriptGateway scripts) {
        this.redis = redis;
        this.keys = keys;
        this.scripts = scripts;
    }

    @Override
    public Stored upsert(RecurringDef def) {
        try {
            return store(def);
        } catch (RedisFullException e) {
            // The registration and the script's first write are each refused whole: nothing was stored.
            throw new RedisFullException(
                    Redis.full(redis.endpoint()) + " refused to store recurring job '" + def.name() + "' of queue "
                            + def.queue()
                            + "; nothing was stored (an existing definition is unchanged). Make room (delete ended jobs or"
                            + " unused queues, shorten result TTLs) or raise maxmemory, then try again",
                    def.queue(),
                    List.of(),
                    List.of(),
                    e);
        }
    }

    private Stored store(RecurringDef def) {
        String queue = def.queue();
        // Listing finds recurring jobs through the queue registry, so register the queue first.
        redis.await(redis.commands().sadd(keys.queues(), queue));
        String hash = keys.recurring(queue);
        for (int i = 0; i < MAX_TRIES; i++) {
            CompletableFuture<String> current =
                    redis.commands().hget(hash, def.name()).toCompletableFuture();
            CompletableFuture<List<String>> time = redis.commands().time().toCompletableFuture();
            String old = redis.await(current);
            long now = Commands.millis(redis.await(time));
            RecurringDef previous = old == null ? null : parseQuietly(hash, def.name(), old, null);
            boolean keepDue = previous != null && previous.scheduleKey().equals(def.scheduleKey());
            RecurringDef stored =
                    def.withTimes(previous != null && previous.createdAt() > 0 ? previous.createdAt() : now, now);
            long first = keepDue ? -1 : def.schedule().first(now);
            long due =
                    scripts.recurringUpsert(queue, def.name(), stored.toJson(), old == null ? "" : old, first, keepDue);
            if (due >= 0) {
                return new Stored(stored, due);
            }
        }
        throw new JrqException(
                "recurring job '" + def.name() + "' in queue " + queue + " is being updated concurrently; try again");
    }

    @Override
    public boolean delete(String queue, String name) {
        return scripts.recurringDelete(queue, name);
    }

    @Override
    public Optional<String> trigger(String queue, String name) {
        // Read the definition and Redis' clock together: the run is the tick of that instant.
        CompletableFuture<String> def =
                redis.commands().hget(keys.recurring(queue), name).toCompletableFuture();
        List<String> time = redis.await(redis.commands().time());
        String json = redis.await(def);
        if (json == null) {
            return Optional.empty();
        }
        RecurringDef d = parseQuietly(keys.recurring(queue), name, json, null);
        if (d == null) {
            return Optional.empty();
        }
        long now = Commands.millis(time);
        String id = RecurringDef.jobId(name, now);
        ScriptGateway.Trigger r =
                scripts.recurringTrigger(queue, name, json, id, d.envelope(now).toJson());
        if (r == ScriptGateway.Trigger.CHANGED) {
            return Optional.empty(); // deleted or changed between the read and the script
        }
        if (r == ScriptGateway.Trigger.EXISTS) {
            throw new JrqException(
                    "recurring job '" + name + "' of queue " + queue + " already has a run " + id + "; try again");
        }
        return Optional.of(id);
    }

    @Override
    public Optional<Stored> get(String queue, String name) {
        CompletableFuture<String> def =
                redis.commands().hget(keys.recurring(queue), name).toCompletableFuture();
        CompletableFuture<Double> due =
                redis.commands().zscore(keys.recurringDue(queue), name).toCompletableFuture();
        String json = redis.await(def);
        Double score = redis.await(due);
        if (json == null) {
            return Optional.empty();
        }
        RecurringDef d = parseQuietly(keys.recurring(queue), name, json, null);
        return d == null ? Optional.empty() : Optional.of(new Stored(d, score == null ? -1 : score.longValue()));
    }

    @Override
    public List<Stored> list() {
        return scan(null);
    }

    @Override
    public List<String> unreadable() {
        List<String> bad = new ArrayList<>();
        scan(bad);
        return bad;
    }

    private List<Stored> scan(List<String> unreadable) {
        Set<String> queues = QueueRegistry.read(redis, keys);
        Map<String, CompletableFuture<Map<String, String>>> defs = new HashMap<>();
        Map<String, CompletableFuture<List<Scored>>> dues = new HashMap<>();
        for (String q : queues) {
            defs.put(q, redis.commands().hgetall(keys.recurring(q)).toCompletableFuture());
            dues.put(
                    q,
                    redis.commands()
                            .zrangeWithScores(keys.recurringDue(q), 0, -1)
                            .toCompletableFuture());
        }
        List<Stored> all = new ArrayList<>();
        for (String q : queues) {
            Map<String, String> d;
            Map<String, Long> due = new HashMap<>();
            try {
                d = redis.await(defs.get(q));
                for (Scored v : redis.await(dues.get(q))) {
                    due.put(v.value(), (long) v.score());
                }
            } catch (JrqException e) {
                // A key of the wrong type hides only this queue's recurring jobs, not every queue's.
                log.warn(
                        "skipping the recurring jobs of queue {} ({} / {}): {}",
                        q,
                        keys.recurring(q),
                        keys.recurringDue(q),
                        e.getMessage());
                if (unreadable != null) {
                    unreadable.add(q + "/*: " + e.getMessage());
                }
                continue;
            }
            for (Map.Entry<String, String> e : d.entrySet()) {
                RecurringDef def = parseQuietly(
                        keys.recurring(q),
                        e.getKey(),
                        e.getValue(),
                        unreadable == null ? null : reason -> unreadable.add(q + "/" + e.getKey() + ": " + reason));
                if (def != null) {
                    all.add(new Stored(def, due.getOrDefault(e.getKey(), -1L)));
                }
            }
        }
        all.sort(Comparator.comparing((Stored s) -> s.def().queue())
                .thenComparing(s -> s.def().name()));
        return all;
    }

    private static RecurringDef parseQuietly(
            String key, String name, String json, java.util.function.Consumer<String> unreadable) {
        try {
            return RecurringDef.parse(json);
        } catch (RuntimeException e) {
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            if (unreadable != null) {
                unreadable.accept(reason);
            } else {
                log.warn(
                        "ignoring the unreadable recurring job definition {} in {}: {}",
                        name,
                        key,
                        io.jrq.internal.LogText.printable(reason));
            }
            return null;
        }
    }
}
