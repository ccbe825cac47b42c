package io.jrq.redisserver;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Process plumbing that the JDK does not offer directly: spawn retries and uninterrupted waits. */
public final class Processes {

    private static final int SPAWN_ATTEMPTS = 5;

    private Processes() {}

    /**
     * Starts a process, retrying "Text file busy": a binary we just copied out of a jar can still
     * be open for writing in a child forked concurrently by another thread, and the kernel refuses
     * to exec it until that child has exec'd too.
     *
     * @param builder the process to start
     * @return the started process
     * @throws IOException if it cannot be started, after the retries
     */
    public static Process start(ProcessBuilder builder) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return builder.start();
            } catch (IOException e) {
                String message = String.valueOf(e.getMessage());
                if (attempt >= SPAWN_ATTEMPTS || !message.contains("Text file busy")) {
                    throw e;
                }
                sleep(50L * attempt);
            }
        }
    }

    /**
     * Waits for a process to exit; an interrupt ends the wait early and stays set.
     *
     * @param process the process
     * @param timeout how long to wait
     * @param unit the unit of {@code timeout}
     * @return true if the process is gone
     */
    public static boolean awaitExit(Process process, long timeout, TimeUnit unit) {
        try {
            return process.waitFor(timeout, unit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /**
     * Sleeps, turning an interrupt into an unchecked exception (with the flag set again), for the
     * polling loops that cannot do anything useful when interrupted.
     *
     * @param millis how long to sleep
     * @throws IllegalStateException when interrupted
     */
    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
