package io.jrq.internal.client;

import io.jrq.internal.worker.WorkerConfig;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where jobs live: Redis for a connected client, memory for inline mode. {@code Jrq}, {@code Queue}
 * and {@code Job} talk only to this interface.
 */
public interface Backend extends AutoCloseable {
    /**
     * Stores the jobs and makes them available to workers (inline: runs them first).
     *
     * @param queue the queue
     * @param jobs the encoded jobs
     * @param atFront put them at the front of the queue
     */
    void enqueue(String queue, List<EncodedJob> jobs, boolean atFront);

    /** @return the job, or empty when no such job exists (never existed, expired or deleted) */
    Optional<JobRecord> read(String queue, String id);

    /** @return a future completed with the job once it is FINISHED or FAILED */
    CompletableFuture<JobRecord> awaitEnd(String queue, String id);

    /** @return the queue holding a job with this id, searching every known queue */
    Optional<String> findQueue(String id);

    /** @return number of jobs waiting in the queue */
    long queuedCount(String queue);

    /**
     * @param config the worker's configuration
     * @return a running worker
     */
    WorkerHandle startWorker(WorkerConfig config);

    @Override
    void close();
}
