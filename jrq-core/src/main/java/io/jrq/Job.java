package io.jrq;

import com.fasterxml.jackson.databind.JavaType;
import io.jrq.internal.client.Backend;
import io.jrq.internal.client.JobRecord;
import io.jrq.internal.codec.Json;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A handle on one job: cheap to create, valid in any process that can reach the same Redis. Every
 * query reads the job's current state; {@link #await} and {@link #future()} are completed by a
 * pushed event, not by polling.
 *
 * @param <R> the result type ({@code Void} for void methods, {@code Object} for handlers and jobs
 *     looked up by id, decoded as plain JSON values: Map, List, String, Number, Boolean)
 */
public final class Job<R> {
    private final Backend backend;
    private final String queue;
    private final String id;
    private final Type resultType;

    Job(Backend backend, String queue, String id, Type resultType) {
        this.backend = backend;
        this.queue = queue;
        this.id = id;
        this.resultType = resultType;
    }

    /** @return the job id */
    public String id() {
        return id;
    }

    /** @return the queue the job belongs to */
    public String queue() {
        return queue;
    }

    /**
     * @param type the class to decode the result as
     * @param <T> the new result type
     * @return a handle on the same job whose result is decoded as {@code type}
     */
    public <T> Job<T> as(Class<T> type) {
        return new Job<>(backend, queue, id, Objects.requireNonNull(type, "type"));
    }

    private JobRecord record() {
        return backend.read(queue, id)
                .orElseThrow(() -> new JrqException("job " + id + " no longer exists in queue " + queue
                        + " (its result TTL passed, or it was deleted)"));
    }

    /**
     * @return the current status
     * @throws JrqException when the job no longer exists
     */
    public JobStatus status() {
        return record().status();
    }

    /** @return a snapshot of everything stored about the job @throws JrqException when it no longer exists */
    public JobInfo info() {
        return record().toInfo();
    }

    /** @return when it was enqueued (Redis time) */
    public Instant enqueuedAt() {
        return record().enqueuedAt();
    }

    /** @return when its latest attempt started, if any */
    public Optional<Instant> startedAt() {
        return Optional.ofNullable(record().startedAt());
    }

    /** @return when it ended, if it did */
    public Optional<Instant> endedAt() {
        return Optional.ofNullable(record().endedAt());
    }

    /** @return how many attempts have started */
    public int attempts() {
        return record().attempts();
    }

    /** @return the name of the worker that ran (or runs) it, if any */
    public Optional<String> worker() {
        return Optional.ofNullable(record().worker());
    }

    /**
     * Like RQ's {@code job.result}: empty until the job has FINISHED, then its result. A void job,
     * or one that returned null, finishes with an empty result too: check {@link #status()}.
     *
     * @return the result if the job has finished with a non-null one
     */
    public Optional<R> result() {
        JobRecord r = record();
        return r.status() == JobStatus.FINISHED ? Optional.ofNullable(decode(r)) : Optional.empty();
    }

    /**
     * @return the error if the job has FAILED or was STOPPED; while retries are pending, the latest
     *     attempt's error is in {@link JobInfo#error()}
     */
    public Optional<JobError> error() {
        JobRecord r = record();
        return r.status() == JobStatus.FAILED || r.status() == JobStatus.STOPPED
                ? Optional.ofNullable(r.error())
                : Optional.empty();
    }

    /** @return the latest progress the job reported, if any */
    public Optional<Progress> progress() {
        return Optional.ofNullable(record().progress());
    }

    /**
     * Calls {@code listener} with each progress update pushed while the job runs, until it ends. The
     * listener runs on a driver thread: keep it short.
     *
     * @param listener receives progress updates
     * @return this handle
     */
    public Job<R> onProgress(Consumer<Progress> listener) {
        backend.onProgress(queue, id, Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * Cancels the job: a QUEUED, SCHEDULED or DEFERRED job becomes CANCELED at once; a STARTED one is
     * stopped by the worker holding it (interrupted, then STOPPED, usually within a second).
     *
     * @return the status after the call: CANCELED, STARTED (stopping) or the status it had already ended in
     * @throws JrqException when the job no longer exists
     */
    public JobStatus cancel() {
        return backend.cancel(queue, id)
                .orElseThrow(() -> new JrqException("job " + id + " no longer exists in queue " + queue));
    }

    /**
     * Waits for the job to end.
     *
     * @param timeout how long to wait at most
     * @return the result (null for void jobs)
     * @throws JobFailedException when the job ended FAILED
     * @throws AwaitTimeoutException when it has not ended in time (the job goes on)
     */
    public R await(Duration timeout) {
        try {
            return future().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            JobStatus s = backend.read(queue, id).map(JobRecord::status).orElse(null);
            throw new AwaitTimeoutException(id, timeout, s);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JrqException("interrupted while waiting for job " + id, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new JrqException("waiting for job " + id + " failed", c);
        }
    }

    /**
     * @return a future completed with the result when the job finishes, or exceptionally with a
     *     {@link JobFailedException} when it fails, is canceled or stopped. Completed by a pushed event; one subscription per
     *     client serves all futures.
     */
    public CompletableFuture<R> future() {
        return backend.awaitEnd(queue, id).thenApply(r -> {
            if (r.status() != JobStatus.FINISHED) {
                JobError e = r.error() != null
                        ? r.error()
                        : new JobError(
                                r.status().name(),
                                "job " + id + " was " + r.status().name().toLowerCase(java.util.Locale.ROOT),
                                "");
                throw new CompletionException(new JobFailedException(id, e));
            }
            return decode(r);
        });
    }

    @SuppressWarnings("unchecked")
    private R decode(JobRecord r) {
        if (r.resultJson() == null || resultType == void.class || resultType == Void.class) {
            return null;
        }
        try {
            JavaType t = Json.mapper().constructType(resultType);
            return (R) Json.mapper().readValue(r.resultJson(), t);
        } catch (Exception e) {
            throw new JrqException(
                    "the result of job " + id + " cannot be read as " + resultType.getTypeName() + ": "
                            + e.getMessage(),
                    e);
        }
    }

    @Override
    public String toString() {
        return "Job[" + queue + "/" + id + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Job<?> j && j.queue.equals(queue) && j.id.equals(id);
    }

    @Override
    public int hashCode() {
        return queue.hashCode() * 31 + id.hashCode();
    }
}
