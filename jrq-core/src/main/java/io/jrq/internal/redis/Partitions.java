package io.jrq.internal.redis;

import io.jrq.QueueLimits;
import io.jrq.internal.Keys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Reads and changes the partition tables of queues ({@link PartitionTable}), and names new
 * partitions so that, in a cluster, they land on the masters that hold the fewest of the queue's
 * partitions.
 */
public final class Partitions {
    /** How many candidate names a new partition tries for a master that holds fewer partitions. */
    private static final int NAME_TRIES = 2000;

    private final Redis redis;
    private final Keys keys;
    private final ScriptGateway scripts;

    /**
     * @param redis the connection
     * @param keys key builder
     * @param scripts the scripts
     */
    public Partitions(Redis redis, Keys keys, ScriptGateway scripts) {
        this.redis = redis;
        this.keys = keys;
        this.scripts = scripts;
    }

    /** @return the queue's table, {@link PartitionTable#single} when it has none */
    public CompletableFuture<PartitionTable> readAsync(String queue) {
        String key = keys.partitions(queue);
        return redis.commands().hgetall(key).thenApply(h -> PartitionTable.parse(queue, key, h));
    }

    /** @return the queue's table, {@link PartitionTable#single} when it has none */
    public PartitionTable read(String queue) {
        return redis.await(readAsync(queue));
    }

    /**
     * Writes a new table if the stored one is still {@code read}.
     *
     * @return false when another caller changed the table since it was read (nothing written)
     */
    public boolean write(PartitionTable read, int count, List<String> names, QueueLimits limits) {
        return scripts.partitions(read.queue(), read.stored(), count, names, limits);
    }

    /**
     * Names the partitions a queue needs to reach {@code total}, after those it has.
     *
     * @param queue the queue
     * @param names its partitions so far, partition 0 first
     * @param total how many it is to have
     * @return {@code names} followed by new ones; on a cluster, each new one on a master holding the
     *     fewest partitions of the queue (as far as this client's topology knows)
     */
    public List<String> extend(String queue, List<String> names, int total) {
        List<String> out = new ArrayList<>(names);
        Set<String> used = new HashSet<>(names);
        List<String> masters = redis.masters();
        Map<String, Integer> load = new HashMap<>();
        for (String m : masters) {
            load.put(m, 0);
        }
        for (String n : names) {
            load.merge(redis.nodeOf(keys.ready(n)), 1, Integer::sum);
        }
        int next = 1;
        while (out.size() < total) {
            while (used.contains(Keys.partitionName(queue, next))) {
                next++;
            }
            String chosen = Keys.partitionName(queue, next);
            if (!masters.isEmpty()) {
                int least = masters.stream()
                        .mapToInt(m -> load.getOrDefault(m, 0))
                        .min()
                        .orElse(0);
                for (int k = next, tries = 0; tries < NAME_TRIES; k++) {
                    String candidate = Keys.partitionName(queue, k);
                    if (used.contains(candidate)) {
                        continue;
                    }
                    tries++;
                    if (load.getOrDefault(redis.nodeOf(keys.ready(candidate)), Integer.MAX_VALUE) == least) {
                        chosen = candidate;
                        break;
                    }
                }
            }
            used.add(chosen);
            out.add(chosen);
            load.merge(redis.nodeOf(keys.ready(chosen)), 1, Integer::sum);
        }
        return out;
    }
}
