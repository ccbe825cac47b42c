package io.jrq.internal.client;

import io.jrq.JobInfo;
import io.jrq.JobStatus;
import io.jrq.JrqException;
import io.jrq.MinuteCount;
import io.jrq.QueueInfo;
import io.jrq.QueueLimits;
import io.jrq.WorkerInfo;
import io.jrq.internal.Keys;
import io.jrq.internal.redis.PartitionTable;
import io.jrq.internal.redis.Partitions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToLongFunction;

/**
 * {@link AdminOps} over partitioned queues: an operation on a queue runs on each of its partitions
 * ({@link RedisAdmin} does one), and what they answer is summed, so a partitioned queue looks like
 * one queue to the operator; an operation on a partition's own name ({@code emails~3}, as a job's
 * {@link JobInfo#queue()} says) acts on that partition alone. It also changes the partitions
 * ({@link #partitions(String, int)}).
 */
final class PartitionedAdmin implements AdminOps {
    /**
     * How long a partition must have taken no new jobs before an empty one may be retired: far longer
     * than a producer trusts the table it read ({@link PartitionRouter#MAX_AGE_MS}), so none can still
     * be sending jobs to it.
     */
    static final long RETIRE_GRACE_MS = 60_000;

    private static final int WRITE_TRIES = 5;

    private final RedisAdmin one;
    private final Partitions partitions;
    private final PartitionRouter router;

    PartitionedAdmin(RedisAdmin one, Partitions partitions, PartitionRouter router) {
        this.one = one;
        this.partitions = partitions;
        this.router = router;
    }

    /** @return the partitions an operation on {@code queue} covers: itself for a partition's name */
    private List<String> names(String queue) {
        return table(queue).names();
    }

    private PartitionTable table(String queue) {
        Keys.checkQueueName(queue);
        return Keys.isPartitionName(queue) ? PartitionTable.single(queue) : partitions.read(queue);
    }

    @Override
    public Set<String> queues() {
        Set<String> out = new TreeSet<>();
        for (String q : one.queues()) {
            // Producers list the partitions they store into; the operator sees their queue.
            out.add(Keys.queueOf(q));
        }
        return out;
    }

    @Override
    public QueueInfo queue(String queue) {
        PartitionTable t = table(queue);
        if (!t.partitioned()) {
            return one.queue(queue);
        }
        Map<JobStatus, Long> counts = new EnumMap<>(JobStatus.class);
        long finished = 0;
        long failed = 0;
        Optional<Instant> oldest = Optional.empty();
        boolean paused = false;
        for (String name : t.names()) {
            QueueInfo p = one.queue(name);
            p.counts().forEach((s, n) -> counts.merge(s, n, Long::sum));
            finished += p.finishedTotal();
            failed += p.failedTotal();
            if (p.oldestQueuedAt().isPresent()
                    && (oldest.isEmpty() || p.oldestQueuedAt().get().isBefore(oldest.get()))) {
                oldest = p.oldestQueuedAt();
            }
            paused |= name.equals(queue) && p.paused();
        }
        return new QueueInfo(queue, paused, Map.copyOf(counts), t.limits(), finished, failed, oldest, t.count());
    }

    @Override
    public List<JobInfo> jobs(String queue, JobStatus state, int offset, int limit) {
        PartitionTable t = table(queue);
        if (!t.partitioned()) {
            return one.jobs(queue, state, offset, limit);
        }
        // Partition by partition: each one's own order, partition 0 first.
        List<JobInfo> out = new ArrayList<>();
        long skip = offset;
        for (String name : t.names()) {
            if (out.size() >= limit) {
                break;
            }
            long n = one.queue(name).count(state == JobStatus.STOPPED ? JobStatus.CANCELED : state);
            if (skip >= n) {
                skip -= n;
                continue;
            }
            out.addAll(one.jobs(name, state, (int) skip, limit - out.size()));
            skip = 0;
        }
        return out;
    }

    @Override
    public Optional<JobInfo> job(String queue, String id) {
        for (String name : searchOrder(queue, id)) {
            Optional<JobInfo> j = one.job(name, id);
            if (j.isPresent()) {
                return j;
            }
        }
        return Optional.empty();
    }

    /** The partition a job with this id is routed to first, then the others. */
    private List<String> searchOrder(String queue, String id) {
        return table(queue).searchOrder(id);
    }

    @Override
    public long requeue(String queue, List<String> ids) {
        return sum(queue, name -> one.requeue(name, ids));
    }

    @Override
    public long requeueAllFailed(String queue) {
        return sum(queue, one::requeueAllFailed);
    }

    @Override
    public long delete(String queue, List<String> ids) {
        long deleted = 0;
        long running = 0;
        for (String name : names(queue)) {
            long[] r = one.deleteCounting(name, ids);
            deleted += r[0];
            running += r[1];
        }
        return RedisAdmin.checkDeleted(deleted, running);
    }

    @Override
    public long deleteAllFailed(String queue) {
        return sum(queue, one::deleteAllFailed);
    }

    @Override
    public void pause(String queue, boolean paused) {
        for (String name : names(queue)) {
            one.pause(name, paused);
        }
    }

    @Override
    public long empty(String queue) {
        return sum(queue, one::empty);
    }

    private long sum(String queue, ToLongFunction<String> op) {
        long n = 0;
        for (String name : names(queue)) {
            n += op.applyAsLong(name);
        }
        return n;
    }

    /**
     * Sets a queue's limits. On a partitioned queue they are the queue's, over all its partitions:
     * each partition enforces its share ({@link #share}), so the sum never exceeds the limit.
     */
    @Override
    public void limit(String queue, QueueLimits limits) {
        for (int attempt = 0; attempt < WRITE_TRIES; attempt++) {
            PartitionTable t = table(queue);
            if (t.stored().isEmpty()) {
                one.limit(queue, limits);
                return;
            }
            checkSplit(limits, t.names().size());
            if (partitions.write(t, t.count(), t.names(), limits)) {
                applyShares(t.names(), limits);
                return;
            }
        }
        throw changedConcurrently(queue);
    }

    @Override
    public Optional<JobInfo> findJob(String id) {
        return one.findJob(id);
    }

    @Override
    public boolean runNow(String queue, String id) {
        for (String name : searchOrder(queue, id)) {
            if (one.runNow(name, id)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public List<MinuteCount> history(String queue, int minutes) {
        List<String> names = names(queue);
        List<MinuteCount> total = one.history(names.get(0), minutes);
        for (String name : names.subList(1, names.size())) {
            List<MinuteCount> more = one.history(name, minutes);
            List<MinuteCount> sum = new ArrayList<>(total.size());
            for (int i = 0; i < total.size(); i++) {
                MinuteCount a = total.get(i);
                // Read a moment apart, the two may end on different minutes: match them by minute.
                long f = a.finished();
                long x = a.failed();
                for (MinuteCount b : more) {
                    if (b.minute().equals(a.minute())) {
                        f += b.finished();
                        x += b.failed();
                    }
                }
                sum.add(new MinuteCount(a.minute(), f, x));
            }
            total = sum;
        }
        return total;
    }

    @Override
    public List<WorkerInfo> workers() {
        return one.workers();
    }

    @Override
    public int partitions(String queue) {
        return table(queue).count();
    }

    /**
     * Changes how many partitions take the queue's new jobs. Growing adds partitions (or gives jobs
     * again to partitions that were draining); shrinking leaves the partitions beyond {@code count}
     * in the table, where workers go on serving them, so that nothing waiting in them is lost; such a
     * partition is retired by a later call once it is empty and has taken no jobs for
     * {@value #RETIRE_GRACE_MS} ms.
     */
    @Override
    public void partitions(String queue, int count) {
        Keys.checkQueueName(queue);
        if (Keys.isPartitionName(queue)) {
            throw new IllegalArgumentException("'" + queue + "' is a partition of the queue '" + Keys.queueOf(queue)
                    + "'; change the partitions of that queue");
        }
        if (count < 1 || count > PartitionTable.MAX) {
            throw new IllegalArgumentException("a queue has 1 to " + PartitionTable.MAX + " partitions, got " + count);
        }
        for (int attempt = 0; attempt < WRITE_TRIES; attempt++) {
            PartitionTable t = partitions.read(queue);
            QueueLimits limits = t.stored().isEmpty() ? one.queue(queue).limits() : t.limits();
            List<String> names = t.names();
            if (count > names.size()) {
                names = partitions.extend(queue, names, count);
            } else {
                names = retire(t, count, one.now());
            }
            checkSplit(limits, names.size());
            if (partitions.write(t, count, names, limits)) {
                for (String name : t.names()) {
                    if (!names.contains(name)) {
                        // The queue's totals must not drop when a partition leaves it.
                        one.moveTotals(name, queue);
                    }
                }
                boolean paused = one.queue(queue).paused();
                for (String name : names) {
                    if (!t.names().contains(name) && paused) {
                        one.pause(name, true);
                    }
                }
                applyShares(names, limits);
                router.forget(queue);
                return;
            }
        }
        throw changedConcurrently(queue);
    }

    /**
     * @return the table's names without the trailing partitions that take no jobs after this change,
     *     have taken none for the grace period, and are empty
     */
    private List<String> retire(PartitionTable t, int count, long now) {
        List<String> names = new ArrayList<>(t.names());
        if (now - t.changedAt() < RETIRE_GRACE_MS) {
            return names;
        }
        int keep = Math.max(count, t.count());
        while (names.size() > keep && drained(names.get(names.size() - 1))) {
            names.remove(names.size() - 1);
        }
        return names;
    }

    private boolean drained(String name) {
        QueueInfo p = one.queue(name);
        // Ended jobs too: while kept (their result TTL) they are listed and counted through the table.
        for (JobStatus s : QueueInfo.COUNTED) {
            if (p.count(s) > 0) {
                return false;
            }
        }
        return true;
    }

    private void applyShares(List<String> names, QueueLimits limits) {
        for (int i = 0; i < names.size(); i++) {
            one.limit(names.get(i), share(limits, i, names.size()));
        }
    }

    /**
     * @return partition {@code i}'s share of a queue's limits over {@code n} partitions: the limit
     *     divided by n, the remainder going to the first partitions, so the shares add up to it
     */
    static QueueLimits share(QueueLimits limits, int i, int n) {
        return new QueueLimits(part(limits.concurrency(), i, n), part(limits.rate(), i, n), limits.period());
    }

    private static int part(int total, int i, int n) {
        return total == 0 ? 0 : total / n + (i < total % n ? 1 : 0);
    }

    private static void checkSplit(QueueLimits limits, int n) {
        if (limits.concurrency() > 0 && limits.concurrency() < n) {
            throw new IllegalArgumentException(
                    "a concurrency limit of " + limits.concurrency() + " cannot be shared by " + n
                            + " partitions (each needs at least 1): raise it or use fewer partitions");
        }
        if (limits.rate() > 0 && limits.rate() < n) {
            throw new IllegalArgumentException("a rate limit of " + limits.rate() + " per "
                    + Duration.ofMillis(limits.period().toMillis()) + " cannot be shared by " + n
                    + " partitions (each needs at least 1): raise it, lengthen the period or use fewer partitions");
        }
    }

    private static JrqException changedConcurrently(String queue) {
        return new JrqException("the partitions of " + queue + " were changed by another client " + WRITE_TRIES
                + " times while this change was made; nothing was changed, try again");
    }
}
