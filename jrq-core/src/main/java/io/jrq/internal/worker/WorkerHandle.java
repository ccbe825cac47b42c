package io.jrq.internal.worker;

/** A running worker as the public {@code Worker} sees it. */
public interface WorkerHandle extends AutoCloseable {
    /** @return the worker's registered name */
    String name();

    /** @return true until shutdown completes */
    boolean isRunning();

    /** @return number of jobs running now */
    int runningCount();

    /** Stops fetching, waits for running jobs up to the grace period, gives the rest back. */
    @Override
    void close();
}
