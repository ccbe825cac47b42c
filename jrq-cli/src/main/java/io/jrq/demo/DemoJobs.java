package io.jrq.demo;

import java.time.Duration;

/**
 * Jobs for {@code jrq demo} and for trying jrq by hand. They ship in the jrq command-line jar;
 * a worker runs them once allowed with {@code allowPackages("io.jrq.demo")}.
 *
 * <pre>{@code
 * Job<Integer> job = jrq.queue("default").enqueue(DemoJobs::countWords, "to be or not to be");
 * }</pre>
 */
public final class DemoJobs {
    /** How long {@link #countWords} takes. */
    public static final Duration SLOW_TASK = Duration.ofSeconds(5);

    private DemoJobs() {}

    /**
     * The demo's slow task: counts the words of a text, taking {@link #SLOW_TASK} to do it.
     *
     * @param text any text
     * @return its number of words (runs of non-whitespace)
     * @throws InterruptedException when the worker shuts down meanwhile
     */
    public static int countWords(String text) throws InterruptedException {
        Thread.sleep(SLOW_TASK.toMillis());
        String trimmed = text == null ? "" : text.strip();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }

    /**
     * @param millis how long to sleep
     * @return {@code millis}
     * @throws InterruptedException when the worker shuts down meanwhile
     */
    public static long sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return millis;
    }

    /** @param s any text @return {@code s} */
    public static String echo(String s) {
        return s;
    }

    /**
     * Always fails, to see what a failed job looks like.
     *
     * @param message the exception's message
     * @throws IllegalStateException always, with {@code message}
     */
    public static void fail(String message) {
        throw new IllegalStateException(message);
    }

    /**
     * Does nothing; the demo enqueues thousands to measure throughput.
     *
     * @param n any number
     * @return {@code n}
     */
    public static long noop(long n) {
        return n;
    }

    /**
     * Works through {@code steps} steps of {@code stepMillis} each, reporting its progress, so that
     * the dashboard has a running job to show.
     *
     * @param steps how many steps, 1 to 1000
     * @param stepMillis how long each takes
     * @return {@code steps}
     * @throws InterruptedException when stopped
     */
    public static int report(int steps, long stepMillis) throws InterruptedException {
        io.jrq.JobContext ctx = io.jrq.JobContext.current();
        for (int i = 1; i <= steps; i++) {
            Thread.sleep(stepMillis);
            ctx.progress(i * 100 / steps, "step " + i + " of " + steps);
        }
        return steps;
    }
}
