package io.jrq.internal.client;

import io.jrq.internal.worker.WorkerConfig;
import io.jrq.internal.worker.WorkerHandle;
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
     * @param spec when and where they go, and how unique keys hold
     * @return per job, its id, or the id of the existing job its unique key named
     */
    List<String> enqueue(String queue, List<EncodedJob> jobs, EnqueueSpec spec);

    /**
     * Like {@link #enqueue} without waiting: the calling thread can keep many enqueues in flight.
     * This default runs {@link #enqueue} at once (inline mode has nothing to wait for).
     *
     * @param queue the queue
     * @param jobs the encoded jobs
     * @param spec when and where they go, and how unique keys hold
     * @return completed with the ids (as {@link #enqueue}), or with the failure
     */
    default CompletableFuture<List<String>> enqueueAsync(String queue, List<EncodedJob> jobs, EnqueueSpec spec) {
        try {
            return CompletableFuture.completedFuture(enqueue(queue, jobs, spec));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Cancels a job that has not started, or asks the worker running it to stop it.
     *
     * @param queue the queue
     * @param id the job
     * @return the job's status after the call (CANCELED, STARTED while stopping, an ended status), empty if no such job
     */
    Optional<io.jrq.JobStatus> cancel(String queue, String id);

    /** @return the job, or empty when no such job exists (never existed, expired or deleted) */
    Optional<JobRecord> read(String queue, String id);

    /** @return a future completed with the job once it is FINISHED or FAILED */
    CompletableFuture<JobRecord> awaitEnd(String queue, String id);

    /**
     * @param queue the queue
     * @param id the job
     * @param listener receives pushed progress updates until the job ends
     */
    void onProgress(String queue, String id, java.util.function.Consumer<io.jrq.Progress> listener);

    /**
     * Where each job of an enqueue call is stored: the queue itself, or for a partitioned queue the
     * partition its routing key hashes to (see {@link PartitionRouter}).
     *
     * @param queue the queue
     * @param jobs the jobs
     * @param orderingKey the call's ordering key, or null
     * @param idsGiven true when the caller chose the ids (an enqueue retried with them must find the
     *     jobs where the first one put them)
     * @return one queue or partition name per job, in order
     */
    default List<String> route(String queue, List<EncodedJob> jobs, String orderingKey, boolean idsGiven) {
        return java.util.Collections.nCopies(jobs.size(), queue);
    }

    /**
     * @param queue a queue
     * @return every partition that may hold its jobs, the one a job with this id would be routed to
     *     first when {@code id} is given; the queue alone when it is not partitioned
     */
    default List<String> partitionsToSearch(String queue, String id) {
        return List.of(queue);
    }

    /** @return the queue holding a job with this id, searching every known queue */
    Optional<String> findQueue(String id);

    /** @return number of jobs waiting in the queue */
    long queuedCount(String queue);

    /**
     * @param config the worker's configuration
     * @return a running worker
     */
    WorkerHandle startWorker(WorkerConfig config);

    /** @return the operators' operations @throws UnsupportedOperationException in inline mode */
    AdminOps admin();

    /** @return where this backend keeps recurring jobs */
    RecurringStore recurring();

    /** @return the observers (metrics, tracing) of this client's jobs and workers */
    io.jrq.internal.observe.Observers observers();

    @Override
    void close();
}
