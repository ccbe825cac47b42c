package io.jrq.testjobs;

import io.jrq.JobContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A job for recurring-job tests: records the id of every run (which names its tick) per label. */
public final class Ticks {
    /** Job ids of the runs, per label, in the order they ran. */
    public static final Map<String, List<String>> RUNS = new ConcurrentHashMap<>();

    private Ticks() {}

    public static void record(String label) {
        RUNS.computeIfAbsent(label, k -> new CopyOnWriteArrayList<>())
                .add(JobContext.current().id());
    }

    /** @return the runs recorded for a label (empty if none) */
    public static List<String> runs(String label) {
        return RUNS.getOrDefault(label, List.of());
    }

    /** @return the due time (ms) a run's id {@code recurring:<name>:<due>} names */
    public static long due(String jobId) {
        return Long.parseLong(jobId.substring(jobId.lastIndexOf(':') + 1));
    }
}
