package io.jrq.testjobs;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Measures, from inside the jobs, how many run at once per key (all workers of a test share this JVM). */
public final class Limits {
    public static final Map<String, AtomicInteger> RUNNING = new ConcurrentHashMap<>();
    public static final Map<String, AtomicInteger> MAX = new ConcurrentHashMap<>();
    public static final Map<String, java.util.List<Long>> STARTS = new ConcurrentHashMap<>();

    private Limits() {}

    public static void hold(String key, long millis) throws InterruptedException {
        STARTS.computeIfAbsent(key, k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                .add(System.currentTimeMillis());
        int now = RUNNING.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        MAX.computeIfAbsent(key, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
        try {
            Thread.sleep(millis);
        } finally {
            RUNNING.get(key).decrementAndGet();
        }
    }
}
