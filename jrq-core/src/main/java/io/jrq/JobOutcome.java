package io.jrq;

import io.jrq.internal.codec.Json;
import java.util.Optional;

/**
 * What a callback receives when a job ends: registered with
 * {@code EnqueueOptions.builder().onSuccess(Notify::done)}, where {@code Notify.done(JobOutcome)} is a
 * public static method in a package the worker allows. The worker runs the callback right after the
 * attempt, before the outcome is stored; a callback that throws is logged and changes nothing.
 */
public final class JobOutcome {
    private final String id;
    private final String queue;
    private final JobStatus status;
    private final int attempt;
    private final String resultJson;
    private final JobError error;

    /**
     * @param id the job
     * @param queue its queue
     * @param status FINISHED, FAILED or STOPPED
     * @param attempt the attempt that ended
     * @param resultJson the result as JSON when FINISHED, else null
     * @param error the error when FAILED or STOPPED, else null
     */
    public JobOutcome(String id, String queue, JobStatus status, int attempt, String resultJson, JobError error) {
        this.id = id;
        this.queue = queue;
        this.status = status;
        this.attempt = attempt;
        this.resultJson = resultJson;
        this.error = error;
    }

    /** @return the job's id */
    public String id() {
        return id;
    }

    /** @return its queue */
    public String queue() {
        return queue;
    }

    /** @return FINISHED, FAILED or STOPPED */
    public JobStatus status() {
        return status;
    }

    /** @return the attempt that ended, from 1 */
    public int attempt() {
        return attempt;
    }

    /**
     * @param type the type to decode the result into
     * @param <T> the type
     * @return the result, empty unless FINISHED with a non-null result
     */
    public <T> Optional<T> result(Class<T> type) {
        if (resultJson == null) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(Json.mapper().readValue(resultJson, type));
        } catch (Exception e) {
            throw new JrqException(
                    "the result of job " + id + " cannot be read as " + type.getName() + ": " + e.getMessage(), e);
        }
    }

    /** @return the error when FAILED or STOPPED */
    public Optional<JobError> error() {
        return Optional.ofNullable(error);
    }

    @Override
    public String toString() {
        return "JobOutcome[" + queue + "/" + id + " " + status + "]";
    }
}
