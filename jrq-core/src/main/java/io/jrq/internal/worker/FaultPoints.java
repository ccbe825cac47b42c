package io.jrq.internal.worker;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A test hook: named points between a worker's Redis steps where the fault tests make the worker JVM
 * die ({@code Runtime.halt}, no shutdown hook, as a crash would), to prove that a death at any step
 * loses no job.
 *
 * <p>The system property {@value #PROPERTY}, read once when the class loads, lists points with the
 * probability of halting each time the point is reached, e.g.
 * {@code -Djrq.faultPoints=fetch.afterReply:0.05,renew.beforeSend:0.1}. Without it {@link #ENABLED}
 * is false, a static final the JIT folds, so every {@code if (FaultPoints.ENABLED)} guard is dead
 * code in production. A malformed value or an unknown point makes the class fail to load, so a
 * misspelt test setting cannot pass silently.
 */
public final class FaultPoints {
    /** The system property that turns the points on. */
    public static final String PROPERTY = "jrq.faultPoints";

    /** The fetcher is about to send {@code fetch.lua} (which carries the pending completions). */
    public static final String FETCH_BEFORE_SEND = "fetch.beforeSend";
    /** {@code fetch.lua} replied: completions recorded, jobs leased, none of them started yet. */
    public static final String FETCH_AFTER_REPLY = "fetch.afterReply";
    /** A leased job's thread is about to run its code. */
    public static final String JOB_BEFORE_RUN = "job.beforeRun";
    /** A job ended; its completion is not yet handed to the fetcher, so not yet sent. */
    public static final String JOB_AFTER_RUN = "job.afterRun";
    /** The heartbeat is about to send {@code renew.lua}. */
    public static final String RENEW_BEFORE_SEND = "renew.beforeSend";
    /** {@code renew.lua} replied: the leases are renewed. */
    public static final String RENEW_AFTER_REPLY = "renew.afterReply";

    /** Every point, in the order a job meets them. */
    public static final List<String> ALL = List.of(
            FETCH_BEFORE_SEND, FETCH_AFTER_REPLY, JOB_BEFORE_RUN, JOB_AFTER_RUN, RENEW_BEFORE_SEND, RENEW_AFTER_REPLY);

    /** True when {@value #PROPERTY} is set; guards every call to {@link #reach}. */
    public static final boolean ENABLED = System.getProperty(PROPERTY) != null;

    private static final Map<String, Double> PROBABILITY = ENABLED ? parse(System.getProperty(PROPERTY)) : Map.of();

    private FaultPoints() {}

    /**
     * Halts the JVM with exit code 99 with the configured probability of this point, after one line
     * on standard error naming the point (so a test can tell where its worker died).
     *
     * @param point one of the names in {@link #ALL}
     */
    public static void reach(String point) {
        Double p = PROBABILITY.get(point);
        if (p != null && ThreadLocalRandom.current().nextDouble() < p) {
            System.err.println("jrq fault point " + point + " reached: halting");
            System.err.flush();
            Runtime.getRuntime().halt(99);
        }
    }

    /**
     * @param spec {@code name:probability,...}
     * @return probability by point
     * @throws IllegalArgumentException for an unknown point or a probability outside [0, 1]
     */
    static Map<String, Double> parse(String spec) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            String item = part.trim();
            if (item.isEmpty()) {
                continue;
            }
            int colon = item.lastIndexOf(':');
            String name = colon < 0 ? item : item.substring(0, colon).trim();
            if (!ALL.contains(name)) {
                throw new IllegalArgumentException(
                        "-D" + PROPERTY + ": unknown fault point '" + name + "' (known: " + ALL + ")");
            }
            double p;
            try {
                p = colon < 0
                        ? 1.0
                        : Double.parseDouble(item.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "-D" + PROPERTY + ": '" + item + "' needs a probability, e.g. " + name + ":0.05");
            }
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException(
                        "-D" + PROPERTY + ": probability of " + name + " must be in [0, 1], got " + p);
            }
            m.put(name, p);
        }
        return Collections.unmodifiableMap(m);
    }
}
