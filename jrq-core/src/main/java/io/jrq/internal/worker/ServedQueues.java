package io.jrq.internal.worker;

import io.jrq.internal.redis.PartitionTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What a worker serves: the queues it was given, each with the partitions it has
 * ({@code io.jrq.Admin#partitions}), which may grow while the worker runs. A queue's partitions are
 * tried from the worker's <em>home</em> partition on (chosen by the worker's name with the routing
 * rule, {@link PartitionTable#index}, so workers
 * spread over them), so that each worker mostly takes from its own partition and turns to the
 * others when that one runs dry. A partition once served stays served until the worker stops: one
 * that no longer takes new jobs still holds jobs to drain.
 *
 * <p>Thread-safe: the lists are replaced whole, so a reader always sees one consistent state.
 */
public final class ServedQueues {
    private final List<String> queues;
    private final int[] weights;
    private final String worker;
    private final Map<String, List<String>> partitions = new LinkedHashMap<>();
    private volatile List<String> all;
    private volatile Map<String, List<String>> byQueue;

    /**
     * @param queues the configured queues, in priority order
     * @param weights null for strict priority, else one weight per queue
     * @param worker the worker's name, which picks its home partitions
     */
    public ServedQueues(List<String> queues, int[] weights, String worker) {
        this.queues = List.copyOf(queues);
        this.weights = weights == null ? null : weights.clone();
        this.worker = worker;
        for (String q : queues) {
            partitions.put(q, List.of(q));
        }
        publish();
    }

    /** @return the configured queues, without their partitions */
    public List<String> queues() {
        return queues;
    }

    /** @return every queue and partition served, in priority order */
    public List<String> all() {
        return all;
    }

    /**
     * @param queue one of the configured queues
     * @param names its partitions now, partition 0 first
     * @return the partitions not served before, which now are
     */
    public synchronized List<String> update(String queue, List<String> names) {
        List<String> before = partitions.get(queue);
        if (before == null) {
            throw new IllegalArgumentException(queue + " is not served");
        }
        Set<String> served = new LinkedHashSet<>(rotate(names));
        List<String> added = new ArrayList<>();
        for (String n : served) {
            if (!before.contains(n)) {
                added.add(n);
            }
        }
        // Partitions retired from the table since stay at the end: they may still hold jobs.
        served.addAll(before);
        if (!added.isEmpty() || served.size() != before.size()) {
            partitions.put(queue, List.copyOf(served));
            publish();
        }
        return added;
    }

    private List<String> rotate(List<String> names) {
        if (names.size() < 2) {
            return names;
        }
        int home = PartitionTable.index(worker, names.size());
        List<String> out = new ArrayList<>(names.size());
        out.addAll(names.subList(home, names.size()));
        out.addAll(names.subList(0, home));
        return out;
    }

    private void publish() {
        List<String> flat = new ArrayList<>();
        partitions.values().forEach(flat::addAll);
        byQueue = Map.copyOf(partitions);
        all = List.copyOf(flat);
    }

    /**
     * @return the queues and partitions in the order to try them this round: the configured order,
     *     or with weights a random order in which a queue comes first with probability proportional
     *     to its weight; each queue followed by its partitions, its home one first
     */
    public List<String> order() {
        if (weights == null) {
            return all;
        }
        Map<String, List<String>> parts = byQueue;
        List<String> left = new ArrayList<>(queues);
        List<Integer> w = new ArrayList<>();
        for (int x : weights) {
            w.add(x);
        }
        List<String> order = new ArrayList<>(all.size());
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        while (!left.isEmpty()) {
            int total = w.stream().mapToInt(Integer::intValue).sum();
            int pick = rnd.nextInt(total);
            int i = 0;
            while (pick >= w.get(i)) {
                pick -= w.get(i++);
            }
            order.addAll(parts.get(left.remove(i)));
            w.remove(i);
        }
        return order;
    }
}
