package io.jrq.testjobs;

import io.jrq.JobContext;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Job methods used by the tests; allowed on workers with allowPackages("io.jrq.testjobs"). */
public final class Jobs {
    /** Counts runs per key, for tests that check how often a job ran in this JVM. */
    public static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();

    /** The order in which {@link #record} ran, across tests (filter by your own prefix). */
    public static final List<String> ORDER = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Jobs() {}

    public static int add(int a, int b) {
        return a + b;
    }

    public static String hello() {
        return "hello";
    }

    public static int square(int x) {
        return x * x;
    }

    public static String hello2(String name) {
        return "hello " + name;
    }

    public static String concat(String a, String b, String c, String d, String e, String f) {
        return a + b + c + d + e + f;
    }

    public static void touch(String key) {
        RUNS.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    public static void record(String label) {
        ORDER.add(label);
    }

    /** Jobs of each key running right now, and the most that ever ran at once, for {@link #occupy}. */
    public static final Map<String, AtomicInteger> NOW = new ConcurrentHashMap<>();

    public static final Map<String, AtomicInteger> PEAK = new ConcurrentHashMap<>();

    /** Holds a slot for a while, counting how many jobs of the key run at the same time. */
    public static void occupy(String key, long millis) throws InterruptedException {
        int now = NOW.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        PEAK.computeIfAbsent(key, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
        try {
            Thread.sleep(millis);
        } finally {
            NOW.get(key).decrementAndGet();
        }
    }

    public static long sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return millis;
    }

    public static String fail(String message) {
        throw new IllegalStateException(message);
    }

    public static Point move(Point p, int dx) {
        return new Point(p.x() + dx, p.y());
    }

    public static int total(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).sum();
    }

    public static String whoAmI() {
        JobContext ctx = JobContext.current();
        return ctx.queue() + "/" + ctx.id() + "/" + ctx.attempt();
    }

    public static String over(String s) {
        return "string:" + s;
    }

    public static String over(int i) {
        return "int:" + i;
    }

    /** A record argument and result. */
    public record Point(int x, int y) {}
}
