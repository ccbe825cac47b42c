package io.jrq.examples.spring;

import io.jrq.JobContext;

/**
 * The slow work a web request must not wait for. A static method, so that any worker can run it
 * by name: this application's own, another process started from the same jar, or {@code jrq worker}
 * with these classes on its class path.
 */
public final class Tasks {
    /** How long {@link #run} takes, in ms. */
    public static final long DURATION_MS = 5000;

    private static final int STEPS = 10;

    private Tasks() {}

    /**
     * Works for five seconds, reporting its progress as it goes.
     *
     * @return "Task complete"
     * @throws InterruptedException when the worker stops it
     */
    public static String run() throws InterruptedException {
        JobContext job = JobContext.current();
        for (int step = 1; step <= STEPS; step++) {
            Thread.sleep(DURATION_MS / STEPS);
            job.progress(step * 100 / STEPS, "step " + step + " of " + STEPS);
        }
        return "Task complete";
    }
}
