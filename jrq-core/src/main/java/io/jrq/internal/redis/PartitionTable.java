package io.jrq.internal.redis;

import io.jrq.QueueLimits;
import io.jrq.internal.Keys;
import io.jrq.internal.LogText;
import io.jrq.internal.StoredNumbers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A queue's partitions as stored in {@code jrq:{q}:partitions} (docs/PROTOCOL.md, "Partitioned
 * queues"): the partitions that take new jobs ({@link #active}) and those that only drain
 * ({@link #draining}), partition 0 being the queue itself. A queue that was never partitioned has the
 * table {@link #single}: every reader treats both alike.
 *
 * @param queue the queue
 * @param count how many partitions, from the first, take new jobs
 * @param names every partition that may hold jobs, partition 0 first
 * @param changedAt Redis time of the last change in ms, 0 when never changed
 * @param limits the queue's own limits, which its partitions share; {@link QueueLimits#NONE} when none
 * @param stored the names as stored, for the compare-and-set of a change ("" when absent)
 */
public record PartitionTable(
        String queue, int count, List<String> names, long changedAt, QueueLimits limits, String stored) {
    private static final Logger log = LoggerFactory.getLogger(PartitionTable.class);
    /** Bad tables already warned about: producers and workers read tables every few seconds. */
    private static final Set<String> WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static final int MAX_WARNED = 1000;

    /** The most partitions a queue may have. */
    public static final int MAX = 64;

    public PartitionTable {
        names = List.copyOf(names);
    }

    /** @return the table of a queue that was never partitioned */
    public static PartitionTable single(String queue) {
        return new PartitionTable(queue, 1, List.of(queue), 0, QueueLimits.NONE, "");
    }

    /** @return true when the queue has (or drains) more than one partition */
    public boolean partitioned() {
        return names.size() > 1;
    }

    /** @return the partitions that take new jobs, partition 0 first */
    public List<String> active() {
        return names.subList(0, count);
    }

    /** @return the partitions that take no new jobs and are served until they are empty */
    public List<String> draining() {
        return names.subList(count, names.size());
    }

    /**
     * The routing rule every producer computes alike (docs/PROTOCOL.md, "Partitioned queues"), also
     * what picks a worker's home partition.
     *
     * @param key a routing key
     * @param n how many to choose from, 1 or more
     * @return CRC-32 of the key's UTF-8 bytes, modulo {@code n}
     */
    public static int index(String key, int n) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return (int) (crc.getValue() % n);
    }

    /**
     * @param routingKey a job's routing key: its ordering key, unique key or id
     * @return the active partition it goes to
     */
    public String route(String routingKey) {
        return count == 1 ? names.get(0) : names.get(index(routingKey, count));
    }

    /**
     * @param id a job id, or null
     * @return every partition that may hold the job: the one its id routes to first, then the others
     */
    public List<String> searchOrder(String id) {
        if (id == null || !partitioned()) {
            return names;
        }
        String first = route(id);
        List<String> out = new ArrayList<>(names.size());
        out.add(first);
        for (String n : names) {
            if (!n.equals(first)) {
                out.add(n);
            }
        }
        return out;
    }

    /**
     * Reads a stored table. Anything can write to Redis, so a field that cannot be read is left out
     * with a warning rather than making the queue unusable: a name that is not one of this queue's
     * partitions is skipped, a bad count takes every partition, and partition 0 is always there.
     *
     * @param queue the queue
     * @param key the table's key, for the warning
     * @param h the stored hash, empty when absent
     * @return the table
     */
    static PartitionTable parse(String queue, String key, Map<String, String> h) {
        String stored = h.get("names");
        if (stored == null) {
            return single(queue);
        }
        Set<String> names = new LinkedHashSet<>();
        names.add(queue);
        for (String n : stored.split(",", -1)) {
            if (n.equals(queue)) {
                continue;
            }
            if (Keys.isPartitionName(n) && Keys.queueOf(n).equals(queue) && names.size() < MAX) {
                names.add(n);
            } else if (firstTime(key + " names " + stored + " " + n)) {
                log.warn("{}: skipping '{}' in names: not a partition of {}", key, LogText.printable(n), queue);
            }
        }
        int count = names.size();
        try {
            count = StoredNumbers.parseInt(h.getOrDefault("count", Integer.toString(names.size())));
            if (count < 1 || count > names.size()) {
                throw new NumberFormatException("out of range");
            }
        } catch (NumberFormatException e) {
            if (firstTime(key + " count " + h.get("count") + " " + stored)) {
                log.warn(
                        "{}: count '{}' is not 1 to {}; every partition takes jobs",
                        key,
                        LogText.printable(h.get("count")),
                        names.size());
            }
            count = names.size();
        }
        long changedAt;
        try {
            changedAt = number(h, "changed_at", 0);
        } catch (NumberFormatException e) {
            changedAt = 0;
        }
        return new PartitionTable(queue, count, new ArrayList<>(names), changedAt, limits(key, h), stored);
    }

    private static QueueLimits limits(String key, Map<String, String> h) {
        try {
            int concurrency = (int) number(h, "concurrency", 0);
            int rate = (int) number(h, "rate", 0);
            long period = number(h, "period_ms", 1000);
            return concurrency == 0 && rate == 0
                    ? QueueLimits.NONE
                    : new QueueLimits(concurrency, rate, Duration.ofMillis(period));
        } catch (IllegalArgumentException e) {
            if (firstTime(key + " limits " + h)) {
                log.warn("{}: ignoring its limits: {}", key, LogText.printable(e.getMessage()));
            }
            return QueueLimits.NONE;
        }
    }

    private static boolean firstTime(String what) {
        if (WARNED.contains(what)) {
            return false;
        }
        if (WARNED.size() < MAX_WARNED) {
            WARNED.add(what);
        }
        return true;
    }

    private static long number(Map<String, String> h, String field, long dflt) {
        String v = h.get(field);
        return v == null || v.isEmpty() ? dflt : StoredNumbers.parseLong(v);
    }
}
