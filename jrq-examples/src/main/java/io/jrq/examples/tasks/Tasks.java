package io.jrq.examples.tasks;

import io.jrq.JobContext;

/** The slow work a web request must not wait for. */
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
