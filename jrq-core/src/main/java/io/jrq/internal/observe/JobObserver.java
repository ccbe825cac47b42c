package io.jrq.internal.observe;

import io.jrq.JobContext;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * What metrics or tracing learn about the jobs of one client and its workers. Every method has a
 * default that does nothing, so an observer implements only what it needs. Calls come from the
 * producer's threads, the job threads and the worker's timer threads: implementations are
 * thread-safe and fast, and must not throw (what they throw is logged and dropped).
 */
public interface JobObserver {
    /**
     * One enqueue call is about to encode and store its jobs, on the caller's thread: lets the
     * observer time the call (a trace's PRODUCER span) and write its context into every job of it.
     *
     * @param queue the queue
     * @param jobIds the ids of the call's jobs, in order (a unique key may yet name an existing job
     *     instead of one of them)
     * @param functions the function or handler name of each job, in the same order
     * @param bulk true for the bulk API ({@code enqueueAll}), whatever the number of jobs
     * @return the observer of this call
     */
    default Send sending(String queue, List<String> jobIds, List<String> functions, boolean bulk) {
        return Send.NONE;
    }

    /**
     * @param queue the queue
     * @param functions the function or handler name of each job stored by one enqueue call (jobs a
     *     unique key matched to an existing job are not in it)
     */
    default void enqueued(String queue, List<String> functions) {}

    /**
     * An attempt of a job starts on a worker, on the job's thread.
     *
     * @param job the job (its id, queue, function, attempt)
     * @param worker the worker's name
     * @param waitNanos how long the job waited since it became ready (its enqueue, due or requeue time)
     * @param carrier the trace fields the producer stored with the job, possibly empty
     * @return the observer of this attempt
     */
    default Attempt started(JobContext job, String worker, long waitNanos, Map<String, String> carrier) {
        return Attempt.NONE;
    }

    /**
     * @param queue the queue
     * @param jobs how many jobs whose lease expired (their worker died or stalled) this process gave
     *     back to the queue or failed
     */
    default void leasesExpired(String queue, long jobs) {}

    /**
     * @param worker the worker's name
     * @param slots how many jobs it runs at once
     * @param busy how many it runs now
     */
    default void workerStarted(String worker, int slots, IntSupplier busy) {}

    /** @param worker the worker's name, stopped */
    default void workerStopped(String worker) {}
}
