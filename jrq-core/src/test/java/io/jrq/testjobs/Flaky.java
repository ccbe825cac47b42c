package io.jrq.testjobs;

import io.jrq.JobContext;
import io.jrq.NonRetryableException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Jobs for the lifecycle tests: failing a given number of times, ignoring interrupts, reporting progress. */
public final class Flaky {
    public static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();
    public static final Map<String, Long> LAST_CALL = new ConcurrentHashMap<>();

    private Flaky() {}

    /** Fails the first {@code failures} calls for this key, then returns the number of calls. */
    public static int failTimes(String key, int failures) {
        int n = CALLS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        LAST_CALL.put(key + "#" + n, System.currentTimeMillis());
        if (n <= failures) {
            throw new IllegalStateException("failure " + n + " of " + key);
        }
        return n;
    }

    public static int permanent(String key) {
        CALLS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        throw new NonRetryableException("no such record: " + key);
    }

    /** Sleeps through interrupts: a job that will not be stopped. Returns after {@code millis}. */
    public static String stubborn(String key, long millis) {
        CALLS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException ignored) {
                // deliberately ignored
            }
        }
        return "done " + key;
    }

    /** Runs until stopped, reporting progress; returns the number of steps if never stopped. */
    public static int steps(int count, long stepMillis) throws InterruptedException {
        JobContext ctx = JobContext.current();
        for (int i = 1; i <= count; i++) {
            Thread.sleep(stepMillis);
            ctx.progress(i * 100 / count, "step " + i);
        }
        return count;
    }
}
