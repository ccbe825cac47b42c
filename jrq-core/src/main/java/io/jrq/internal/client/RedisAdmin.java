package io.jrq.internal.client;

import io.jrq.JobInfo;
import io.jrq.JobStatus;
import io.jrq.JrqException;
import io.jrq.QueueInfo;
import io.jrq.QueueLimits;
import io.jrq.WorkerInfo;
import io.jrq.internal.Keys;
import io.jrq.internal.StoredNumbers;
import io.jrq.internal.redis.Commands;
import io.jrq.internal.redis.Redis;
import io.jrq.internal.redis.ScriptGateway;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToLongFunction;

/**
 * The operations of {@link AdminOps} on one queue or partition in Redis: reads are pipelined, every
 * change goes through a script. {@link PartitionedAdmin} runs them over the partitions of a queue.
 */
final class RedisAdmin {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RedisAdmin.class);
    private static final int BATCH = 1000;
    /** The most dependents {@link #job} lists. */
    static final int DEPENDENTS_MAX = 1000;

    private final Redis redis;
    private final Keys keys;
    private final ScriptGateway scripts;
    private final JobReader reader;

    RedisAdmin(Redis redis, Keys keys, ScriptGateway scripts, JobReader reader) {
        this.redis = redis;
        this.keys = keys;
        this.scripts = scripts;
        this.reader = reader;
    }

    private static String q(String queue) {
        return Keys.checkQueueName(queue);
    }

    public Set<String> queues() {
        return QueueRegistry.read(redis, keys);
    }

    public QueueInfo queue(String queue) {
        q(queue);
        Commands a = redis.commands();
        Map<JobStatus, CompletableFuture<Long>> f = new EnumMap<>(JobStatus.class);
        Map<JobStatus, String> counted = new EnumMap<>(JobStatus.class);
        f.put(JobStatus.QUEUED, a.llen(keys.ready(queue)));
        counted.put(JobStatus.QUEUED, keys.ready(queue));
        f.put(JobStatus.STARTED, a.zcard(keys.active(queue)));
        counted.put(JobStatus.STARTED, keys.active(queue));
        f.put(JobStatus.SCHEDULED, a.zcard(keys.scheduled(queue)));
        counted.put(JobStatus.SCHEDULED, keys.scheduled(queue));
        f.put(JobStatus.DEFERRED, a.zcard(keys.deferred(queue)));
        counted.put(JobStatus.DEFERRED, keys.deferred(queue));
        // The next job to run, at the right end of the ready list: sent now so it is back with the
        // time, and its enqueue time is read with the counts (two round trips in all, whatever the
        // queue's length: LRANGE -1 -1 starts from the tail).
        CompletableFuture<List<String>> next = a.lrange(keys.ready(queue), -1, -1);
        // Registries of ended jobs are scored by expiry (Redis time): count only entries not yet
        // expired by that same clock, so that a client whose clock is off counts what workers see.
        List<String> time = redis.await(a.time());
        long now = Commands.millis(time);
        f.put(JobStatus.FINISHED, a.zcountFrom(keys.finished(queue), now));
        counted.put(JobStatus.FINISHED, keys.finished(queue));
        f.put(JobStatus.FAILED, a.zcountFrom(keys.failed(queue), now));
        counted.put(JobStatus.FAILED, keys.failed(queue));
        f.put(JobStatus.CANCELED, a.zcountFrom(keys.canceled(queue), now));
        counted.put(JobStatus.CANCELED, keys.canceled(queue));
        CompletableFuture<Long> paused = a.exists(keys.paused(queue));
        CompletableFuture<Map<String, String>> limits = a.hgetall(keys.limits(queue));
        CompletableFuture<Map<String, String>> totals = a.hmget(keys.stats(queue), "finished", "failed");
        CompletableFuture<Optional<Instant>> oldest = oldestQueuedAt(queue, next);
        Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
        for (JobStatus s : JobStatus.values()) {
            counts.put(s, f.containsKey(s) ? count(counted.get(s), f.get(s)) : 0L);
        }
        QueueLimits ql = limits(keys.limits(queue), limits);
        long[] total = totals(keys.stats(queue), totals);
        return new QueueInfo(
                queue, redis.await(paused) > 0, Map.copyOf(counts), ql, total[0], total[1], redis.await(oldest));
    }

    /**
     * When the job at the run-next end of the ready list was enqueued: from its compact record or
     * its hash (the field is read before the hash, as {@link JobReader} does, so a job leased in
     * between is found in its hash). Anything unreadable gives empty, with a warning.
     */
    private CompletableFuture<Optional<Instant>> oldestQueuedAt(String queue, CompletableFuture<List<String>> next) {
        List<String> ids;
        try {
            ids = redis.await(next);
        } catch (JrqException e) {
            log.warn("no oldest queued job for {}: {}", keys.ready(queue), e.getMessage());
            return CompletableFuture.completedFuture(Optional.empty());
        }
        if (ids.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        String id = ids.get(0);
        Commands a = redis.commands();
        CompletableFuture<String> compact = a.hget(keys.queued(queue), id);
        CompletableFuture<String> hash = a.hget(keys.job(queue, id), "enqueued_at");
        return compact.handle((c, e) -> e == null ? c : null)
                .thenCombine(hash.handle((h, e) -> e == null ? h : null), (c, h) -> {
                    String at = null;
                    if (c != null) {
                        int colon = c.indexOf(':');
                        at = colon > 0 ? c.substring(0, colon) : c;
                    } else if (h != null) {
                        at = h;
                    } else if (!compact.isCompletedExceptionally() && !hash.isCompletedExceptionally()) {
                        return Optional.<Instant>empty(); // taken and gone meanwhile, or an id without a record
                    }
                    Optional<Instant> when = at == null ? Optional.empty() : millis(at);
                    if (when.isEmpty()) {
                        log.warn(
                                "no oldest queued job for {}: the enqueue time of job {} cannot be read",
                                queue,
                                JobRecord.abbreviate(id));
                    }
                    return when;
                });
    }

    private static Optional<Instant> millis(String ms) {
        if (ms.isEmpty() || ms.length() > 15 || !ms.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        return Optional.of(Instant.ofEpochMilli(Long.parseLong(ms)));
    }

    /**
     * One count of a queue; a key of another Redis type (written by something else) counts 0 with a
     * warning, so that it hides only itself, not the queue or every queue of a listing.
     */
    private long count(String key, CompletableFuture<Long> read) {
        try {
            return redis.await(read);
        } catch (io.jrq.RedisUnavailableException e) {
            throw e;
        } catch (JrqException e) {
            log.warn("skipped a bad record: {} counts 0: {}", key, e.getMessage());
            return 0;
        }
    }

    /** The queue's counters; a missing or unreadable one counts 0 (with a warning when unreadable). */
    private long[] totals(String key, CompletableFuture<Map<String, String>> read) {
        Map<String, String> h;
        try {
            h = redis.await(read);
        } catch (JrqException e) {
            log.warn("ignoring the counters {}: {}", key, e.getMessage());
            return new long[2];
        }
        return new long[] {Math.max(0, field(key, h, "finished", 0)), Math.max(0, field(key, h, "failed", 0))};
    }

    /** Limits as workers apply them: a field that is not a number is ignored, with a warning. */
    private QueueLimits limits(String key, CompletableFuture<Map<String, String>> read) {
        Map<String, String> l;
        try {
            l = redis.await(read);
        } catch (JrqException e) {
            log.warn("ignoring the limits hash {}: {}", key, e.getMessage());
            return QueueLimits.NONE;
        }
        if (l.isEmpty()) {
            return QueueLimits.NONE;
        }
        long concurrency = field(key, l, "concurrency", 0);
        long rate = field(key, l, "rate", 0);
        long period = field(key, l, "period_ms", 1000);
        try {
            return new QueueLimits(
                    (int) Math.max(0, Math.min(Integer.MAX_VALUE, concurrency)),
                    (int) Math.max(0, Math.min(Integer.MAX_VALUE, rate)),
                    java.time.Duration.ofMillis(period <= 0 ? 1000 : period));
        } catch (IllegalArgumentException e) {
            log.warn("ignoring the limits hash {}: {}", key, e.getMessage());
            return QueueLimits.NONE;
        }
    }

    private static long field(String key, Map<String, String> h, String name, long dflt) {
        String v = h.get(name);
        if (v == null) {
            return dflt;
        }
        try {
            return StoredNumbers.parseLong(v.trim());
        } catch (NumberFormatException e) {
            log.warn("ignoring field {} of {}: not a number: '{}'", name, key, JobRecord.abbreviate(v));
            return dflt;
        }
    }

    public List<JobInfo> jobs(String queue, JobStatus state, int offset, int limit) {
        q(queue);
        List<String> ids = ids(queue, state, offset, limit);
        return read(queue, ids);
    }

    private List<String> ids(String queue, JobStatus state, int offset, int limit) {
        Commands a = redis.commands();
        switch (state) {
            case QUEUED: {
                // The next job to run is at the right end of the list.
                List<String> ids = new ArrayList<>(
                        redis.await(a.lrange(keys.ready(queue), -(long) offset - limit, -(long) offset - 1)));
                java.util.Collections.reverse(ids);
                return ids;
            }
            case STARTED:
                return redis.await(a.zrange(keys.active(queue), offset, offset + limit - 1L));
            case SCHEDULED:
                return redis.await(a.zrange(keys.scheduled(queue), offset, offset + limit - 1L));
            case DEFERRED:
                return redis.await(a.zrange(keys.deferred(queue), offset, offset + limit - 1L));
            case FINISHED:
                return redis.await(a.zrevrange(keys.finished(queue), offset, offset + limit - 1L));
            case FAILED:
                return redis.await(a.zrevrange(keys.failed(queue), offset, offset + limit - 1L));
            default:
                return redis.await(a.zrevrange(keys.canceled(queue), offset, offset + limit - 1L));
        }
    }

    private List<JobInfo> read(String queue, List<String> ids) {
        List<CompletableFuture<Optional<JobRecord>>> reads = new ArrayList<>();
        for (String id : ids) {
            reads.add(reader.read(queue, id));
        }
        List<JobInfo> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            // One corrupt record must not hide the others: it is listed as FAILED with the reason.
            try {
                redis.await(reads.get(i)).ifPresent(r -> out.add(r.toInfo()));
            } catch (io.jrq.CorruptJobException e) {
                out.add(JobRecord.corrupt(queue, ids.get(i), e.getMessage()).toInfo());
            }
        }
        return out;
    }

    public Optional<JobInfo> job(String queue, String id) {
        java.util.Objects.requireNonNull(id, "id");
        q(queue);
        CompletableFuture<Optional<JobRecord>> record = reader.read(queue, id);
        CompletableFuture<List<String>> dependents = dependents(queue, id);
        JobRecord r;
        try {
            Optional<JobRecord> found = redis.await(record);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            r = found.get();
        } catch (io.jrq.CorruptJobException e) {
            return Optional.of(JobRecord.corrupt(queue, id, e.getMessage()).toInfo());
        }
        List<String> d;
        try {
            d = redis.await(dependents);
        } catch (JrqException e) {
            log.warn("not listing the dependents of job {} of {}: {}", JobRecord.abbreviate(id), queue, e.getMessage());
            d = List.of();
        }
        return Optional.of(r.withDependents(d).toInfo());
    }

    /**
     * The jobs waiting for a job, sorted, at most {@link #DEPENDENTS_MAX}. Nothing bounds how many
     * jobs may wait for one, so the set is read with SSCAN until the cap rather than SMEMBERS; past
     * the cap, which ones are shown is up to the scan's order.
     */
    private CompletableFuture<List<String>> dependents(String queue, String id) {
        String key = keys.dependentsPrefix(queue) + id;
        List<String> found = new ArrayList<>();
        return scanDependents(key, Commands.ScanPage.START, found).thenApply(x -> {
            List<String> sorted = new ArrayList<>(new java.util.TreeSet<>(found));
            return sorted.size() > DEPENDENTS_MAX
                    ? List.copyOf(sorted.subList(0, DEPENDENTS_MAX))
                    : List.copyOf(sorted);
        });
    }

    private CompletableFuture<Void> scanDependents(String key, String from, List<String> found) {
        return redis.commands().sscan(key, from, DEPENDENTS_MAX).thenCompose(page -> {
            found.addAll(page.values());
            if (page.finished() || found.size() >= DEPENDENTS_MAX) {
                return CompletableFuture.completedFuture(null);
            }
            return scanDependents(key, page.cursor(), found);
        });
    }

    public long requeue(String queue, List<String> ids) {
        q(queue);
        long n = 0;
        for (int from = 0; from < ids.size(); from += BATCH) {
            List<String> batch = ids.subList(from, Math.min(ids.size(), from + BATCH));
            n += scripts.retryNow(queue, batch);
        }
        return n;
    }

    public long requeueAllFailed(String queue) {
        return eachFailedBatch(queue, ids -> {
            long got = requeue(queue, ids);
            if (got == 0) {
                // Entries whose jobs are gone: drop them so the loop ends. (Requeued ones have left
                // the registry already; one that failed again since must keep its new entry.)
                redis.await(redis.commands().zrem(keys.failed(queue), ids.toArray(String[]::new)));
            }
            return got;
        });
    }

    public long delete(String queue, List<String> ids) {
        long[] r = deleteCounting(queue, ids);
        return checkDeleted(r[0], r[1]);
    }

    /** @return how many of the jobs were deleted, and how many were left alone because they run */
    long[] deleteCounting(String queue, List<String> ids) {
        q(queue);
        long deleted = 0;
        long running = 0;
        for (int from = 0; from < ids.size(); from += BATCH) {
            List<String> batch = ids.subList(from, Math.min(ids.size(), from + BATCH));
            ScriptGateway.DeleteReply r = scripts.delete(queue, batch);
            deleted += r.deleted();
            running += r.running();
        }
        return new long[] {deleted, running};
    }

    /** @return {@code deleted} @throws JrqException when some jobs ran and were not deleted */
    static long checkDeleted(long deleted, long running) {
        if (running > 0) {
            throw new JrqException(running + " of the jobs are running and were not deleted; stop them first ("
                    + deleted + " deleted)");
        }
        return deleted;
    }

    /**
     * Adds the ever-counted totals of a retired partition to those of the queue's partition 0, and
     * deletes them. Two slots in a cluster, so not atomic: a failure in between leaves them counted
     * twice or not at all, never losing a job.
     */
    void moveTotals(String from, String into) {
        long[] n = totals(keys.stats(from), redis.commands().hmget(keys.stats(from), "finished", "failed"));
        redis.await(redis.commands()
                .hincrby(keys.stats(into), "finished", n[0])
                .thenCompose(x -> redis.commands().hincrby(keys.stats(into), "failed", n[1]))
                .thenCompose(x -> redis.commands().del(keys.stats(from))));
    }

    /** @return Redis time in ms */
    long now() {
        return Commands.millis(redis.await(redis.commands().time()));
    }

    public long deleteAllFailed(String queue) {
        return eachFailedBatch(queue, ids -> {
            long got = delete(queue, ids);
            // delete.lua leaves entries whose jobs are gone: drop them too, so the loop ends.
            redis.await(redis.commands().zrem(keys.failed(queue), ids.toArray(String[]::new)));
            return got;
        });
    }

    /**
     * Works through the failed registry a batch at a time, taking only the jobs that had failed when
     * it started: a job that fails again while this runs is scored by a later expiry, so it is
     * neither handled a second time nor counted twice. Each batch must leave the registry, or the
     * loop would not end.
     *
     * @return the sum of what {@code batch} returned
     */
    private long eachFailedBatch(String queue, ToLongFunction<List<String>> batch) {
        q(queue);
        List<Commands.Scored> last = redis.await(redis.commands().zrangeWithScores(keys.failed(queue), -1, -1));
        if (last.isEmpty()) {
            return 0;
        }
        double upToNow = last.get(0).score();
        long n = 0;
        while (true) {
            List<String> ids = redis.await(redis.commands().zrangeUpTo(keys.failed(queue), upToNow, BATCH));
            if (ids.isEmpty()) {
                return n;
            }
            n += batch.applyAsLong(ids);
        }
    }

    public void pause(String queue, boolean paused) {
        q(queue);
        if (paused) {
            redis.await(redis.commands().set(keys.paused(queue), "1"));
        } else {
            redis.await(redis.commands().del(keys.paused(queue)));
        }
    }

    public long empty(String queue) {
        q(queue);
        long n = 0;
        while (true) {
            long got = scripts.empty(queue, BATCH);
            if (got == 0) {
                return n;
            }
            n += got;
        }
    }

    public void limit(String queue, QueueLimits limits) {
        q(queue);
        if (limits.concurrency() == 0 && limits.rate() == 0) {
            redis.await(redis.commands().del(keys.limits(queue)));
            return;
        }
        Map<String, String> h = new LinkedHashMap<>();
        h.put("period_ms", Long.toString(limits.period().toMillis()));
        if (limits.concurrency() > 0) {
            h.put("concurrency", Integer.toString(limits.concurrency()));
        }
        if (limits.rate() > 0) {
            h.put("rate", Integer.toString(limits.rate()));
        }
        // Replace, not merge: a limit left out is a limit removed.
        Commands c = redis.commands();
        redis.await(c.del(keys.limits(queue)).thenCompose(x -> c.hset(keys.limits(queue), h)));
    }

    public Optional<JobInfo> findJob(String id) {
        return reader.findQueue(id).flatMap(queue -> job(queue, id));
    }

    public boolean runNow(String queue, String id) {
        q(queue);
        return scripts.runNow(queue, id);
    }

    public List<io.jrq.MinuteCount> history(String queue, int minutes) {
        q(queue);
        // The ring is lib/minutes.lua's: field m:<minute % slots> = "<minute>:<finished>:<failed>".
        String key = keys.stats(queue);
        CompletableFuture<List<String>> time = redis.commands().time();
        CompletableFuture<Map<String, String>> ring = redis.commands().hgetall(key);
        List<String> t = redis.await(time);
        long current = Commands.millis(t) / 60_000;
        Map<String, String> h;
        try {
            h = redis.await(ring);
        } catch (io.jrq.RedisUnavailableException e) {
            throw e;
        } catch (JrqException e) {
            log.warn("ignoring the counters {}: {}", key, e.getMessage());
            h = Map.of();
        }
        List<io.jrq.MinuteCount> out = new ArrayList<>(minutes);
        for (long m = current - minutes + 1; m <= current; m++) {
            String field = "m:" + Math.floorMod(m, io.jrq.Admin.HISTORY_MINUTES);
            long[] counts = minute(key, field, h.get(field), m);
            out.add(new io.jrq.MinuteCount(Instant.ofEpochMilli(m * 60_000), counts[0], counts[1]));
        }
        return out;
    }

    /** One slot of the ring: its counts when it holds minute m, else zeros (unreadable: with a warning). */
    private static long[] minute(String key, String field, String value, long m) {
        if (value == null) {
            return new long[2];
        }
        String[] parts = value.split(":", -1);
        try {
            if (parts.length != 3) {
                throw new NumberFormatException();
            }
            long stored = StoredNumbers.parseLong(parts[0]);
            long finished = StoredNumbers.parseLong(parts[1]);
            long failed = StoredNumbers.parseLong(parts[2]);
            if (stored < 0 || finished < 0 || failed < 0) {
                throw new NumberFormatException();
            }
            // Another minute is from a lap of the ring ago (or ahead, on a clock that moved back).
            return stored == m ? new long[] {finished, failed} : new long[2];
        } catch (NumberFormatException e) {
            log.warn(
                    "ignoring field {} of {}: not <minute>:<finished>:<failed>: '{}'",
                    field,
                    key,
                    JobRecord.abbreviate(value));
            return new long[2];
        }
    }

    public List<WorkerInfo> workers() {
        List<String> names = new ArrayList<>(redis.await(redis.commands().smembers(keys.workers())));
        names.sort(null);
        List<CompletableFuture<Map<String, String>>> reads = new ArrayList<>();
        for (String n : names) {
            reads.add(redis.commands().hgetall(keys.worker(n)));
        }
        List<WorkerInfo> out = new ArrayList<>();
        for (int i = 0; i < reads.size(); i++) {
            String key = keys.worker(names.get(i));
            try {
                Map<String, String> h = redis.await(reads.get(i));
                if (h == null || h.isEmpty()) {
                    continue; // expired: the worker died
                }
                out.add(worker(h));
            } catch (RuntimeException e) {
                // A bad entry (not a hash, a field that is not a number) hides only itself.
                log.warn(
                        "skipping the worker entry {}: {}",
                        key,
                        io.jrq.internal.LogText.printable(e.getMessage() == null ? e.toString() : e.getMessage()));
            }
        }
        return out;
    }

    private static WorkerInfo worker(Map<String, String> h) {
        if (h.get("name") == null) {
            throw new IllegalArgumentException("it has no name field");
        }
        String jobs = h.getOrDefault("jobs", "");
        return new WorkerInfo(
                h.get("name"),
                h.getOrDefault("host", ""),
                StoredNumbers.parseLong(h.getOrDefault("pid", "0")),
                Arrays.asList(h.getOrDefault("queues", "").split(",")),
                StoredNumbers.parseInt(h.getOrDefault("concurrency", "0")),
                Instant.ofEpochMilli(StoredNumbers.parseLong(h.getOrDefault("started_at", "0"))),
                Instant.ofEpochMilli(StoredNumbers.parseLong(h.getOrDefault("heartbeat_at", "0"))),
                jobs.isEmpty() ? List.of() : Arrays.asList(jobs.split(",")));
    }
}
