package io.jrq.internal.client;

import io.jrq.internal.redis.PartitionTable;
import io.jrq.internal.redis.Partitions;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a producer which partition of a queue a job goes to. Each queue's table is read on the
 * first enqueue into it and again in the background every {@value #REFRESH_MS} ms, so a change of
 * partitions reaches every producer within seconds while an enqueue costs no extra round trip.
 *
 * <p>A job goes to the partition its <em>routing key</em> hashes to ({@link PartitionTable#route};
 * docs/PROTOCOL.md, "Partitioned queues"): its ordering key when it
 * has one (so that key's jobs stay in one partition, in order), else its unique key (so uniqueness
 * holds over the whole queue), else its id (random ids spread evenly, and a retried enqueue with the
 * same id finds the job the first one stored).
 */
final class PartitionRouter {
    private static final Logger log = LoggerFactory.getLogger(PartitionRouter.class);
    /** How often a producer reads a queue's table again. */
    static final long REFRESH_MS = 5_000;
    /**
     * A table older than this is not trusted to route (its partitions may have been retired since):
     * jobs go to partition 0, which always exists and is always served. Kept well under the grace
     * after which {@code Admin.partitions} may retire a drained partition.
     */
    static final long MAX_AGE_MS = 30_000;

    private final Partitions partitions;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Entry> tables = new ConcurrentHashMap<>();

    private static final class Entry {
        final PartitionTable table;
        final long readAt;
        final AtomicBoolean refreshing = new AtomicBoolean();

        Entry(PartitionTable table, long readAt) {
            this.table = table;
            this.readAt = readAt;
        }
    }

    PartitionRouter(Partitions partitions, LongSupplier clock) {
        this.partitions = partitions;
        this.clock = clock;
    }

    /**
     * @param queue a queue
     * @return its table as last read (read now on the first call for the queue)
     */
    PartitionTable table(String queue) {
        Entry e = tables.get(queue);
        long now = clock.getAsLong();
        if (e == null) {
            PartitionTable t = partitions.read(queue);
            tables.put(queue, new Entry(t, now));
            return t;
        }
        if (now - e.readAt >= REFRESH_MS && e.refreshing.compareAndSet(false, true)) {
            partitions.readAsync(queue).whenComplete((t, error) -> {
                if (error != null) {
                    e.refreshing.set(false);
                    log.debug("could not read the partitions of {} again: {}", queue, error.toString());
                } else {
                    tables.put(queue, new Entry(t, clock.getAsLong()));
                }
            });
        }
        if (now - e.readAt > MAX_AGE_MS && e.table.partitioned()) {
            return PartitionTable.single(queue);
        }
        return e.table;
    }

    /** Forgets a queue's table, so that the next enqueue reads it (after this client changed it). */
    void forget(String queue) {
        tables.remove(queue);
    }
}
