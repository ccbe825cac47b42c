package io.jrq;

import io.jrq.internal.worker.CurrentJob;
import java.util.Map;

/**
 * What a running job can know about itself. A {@link Handler} receives it; a method enqueued by
 * reference reads it with {@link #current()}. Valid only on the thread running the job, for as
 * long as the job runs.
 */
public interface JobContext {
    /**
     * The SLF4J MDC key holding the running job's id. While a worker runs a job, the thread running it
     * has {@value}, {@value #MDC_QUEUE} and {@value #MDC_ATTEMPT} in its MDC, so log lines written
     * inside the job (with a pattern such as {@code %X{jrq.job}}) name it; they are removed when it ends.
     */
    String MDC_JOB = "jrq.job";
    /** The SLF4J MDC key holding the running job's queue (see {@link #MDC_JOB}). */
    String MDC_QUEUE = "jrq.queue";
    /** The SLF4J MDC key holding the running job's attempt, from 1 (see {@link #MDC_JOB}). */
    String MDC_ATTEMPT = "jrq.attempt";

    /**
     * @return the context of the job running on this thread
     * @throws IllegalStateException when no job runs on this thread
     */
    static JobContext current() {
        return CurrentJob.get(JobContext.class);
    }

    /** @return the job's id */
    String id();

    /** @return the queue the job came from */
    String queue();

    /** @return the payload's {@code fn}: a handler name or {@code class::method} */
    String function();

    /** @return which attempt this is, starting at 1 */
    int attempt();

    /** @return the job's metadata (never null) */
    Map<String, String> meta();

    /** @return how many arguments the payload carries */
    int argCount();

    /**
     * Decodes one argument.
     *
     * @param index 0-based
     * @param type the type to decode into (records, beans, collections, boxed primitives, String...)
     * @param <T> the type
     * @return the argument, possibly null
     * @throws InvalidPayloadException when there is no such argument or it does not fit the type
     */
    <T> T arg(int index, Class<T> type);

    /**
     * @param index 0-based
     * @return the argument as JSON text
     * @throws InvalidPayloadException when there is no such argument
     */
    String argJson(int index);

    /**
     * @return true once the worker has lost this job's lease (it was taken over or the worker is
     *     shutting down past its grace period); a long job should stop soon after, its outcome will
     *     not be recorded
     */
    boolean isLeaseLost();

    /**
     * @return true once someone asked to stop this job ({@link Job#cancel()}), it timed out, or its
     *     lease was lost; a long job should check this between steps and return early. The job's
     *     thread is also interrupted.
     */
    boolean isStopRequested();

    /**
     * Records how far the job is; stored on the job and pushed to clients watching it
     * ({@link Job#progress()}, {@link Job#onProgress}). Cheap enough to call a few times a second.
     *
     * @param percent 0 to 100
     * @param message free text, may be empty
     * @throws IllegalArgumentException when percent is out of range
     */
    void progress(int percent, String message);

    /** @return the jobs this one waited for, as {@code queue/id}, in the order given at enqueue */
    java.util.List<String> dependencies();

    /**
     * Reads the result of one of the jobs this one waited for.
     *
     * @param index 0-based, in the order of {@link #dependencies()}
     * @param type the type to decode the result into
     * @param <T> the type
     * @return the result, possibly null
     * @throws JrqException when the result has expired
     */
    <T> T dependencyResult(int index, Class<T> type);
}
