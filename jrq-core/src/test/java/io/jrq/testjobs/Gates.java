package io.jrq.testjobs;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A job that holds its run until the test opens its gate, for tests that must act on a job while it
 * is surely still running (a fixed sleep can end first on a loaded machine).
 */
public final class Gates {
    private static final Map<String, CountDownLatch> GATES = new ConcurrentHashMap<>();

    private Gates() {}

    /**
     * Waits until {@link #open} is called for the label (at most 60 s, so a test that fails cannot
     * hold a worker for ever).
     *
     * @return the label
     */
    public static String hold(String label) throws InterruptedException {
        gate(label).await(60, TimeUnit.SECONDS);
        return label;
    }

    /** Lets every run of the label, present and future, go on. */
    public static void open(String label) {
        gate(label).countDown();
    }

    private static CountDownLatch gate(String label) {
        return GATES.computeIfAbsent(label, k -> new CountDownLatch(1));
    }
}
