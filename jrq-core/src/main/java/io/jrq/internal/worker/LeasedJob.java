package io.jrq.internal.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.jrq.InvalidPayloadException;
import io.jrq.JobContext;
import io.jrq.Progress;
import io.jrq.internal.codec.Envelope;
import io.jrq.internal.codec.JobRef;
import io.jrq.internal.codec.Json;
import io.jrq.internal.redis.ScriptGateway;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * A job a worker holds a lease on: what the fetch returned (id, payload, lease token, attempt) and,
 * once parsed, its envelope. It is also the {@link JobContext} the running job sees, and the lease
 * the worker's scripts renew, fence and give back.
 */
public final class LeasedJob implements JobContext, ScriptGateway.Lease {
    private final String queue;
    private final String id;
    private final String payload;
    private final String token;
    private final int attempt;
    private final long waitedMs;
    private final long leasedAtNanos = System.nanoTime();
    private volatile Envelope envelope;
    private volatile io.jrq.internal.observe.Attempt observed = io.jrq.internal.observe.Attempt.NONE;
    private volatile long runStartNanos;
    private volatile boolean leaseLost;
    private volatile Thread thread;
    private volatile boolean stopRequested;
    private volatile boolean suspect;
    private final AtomicBoolean settled = new AtomicBoolean();
    private volatile java.util.concurrent.Future<?> timeoutTask;
    private volatile BiConsumer<LeasedJob, Progress> progressSink = (j, p) -> {};
    private volatile java.util.function.Function<JobRef, String> resultReader = ref -> null;

    /**
     * @param queue the queue it came from
     * @param id the job id
     * @param payload the stored envelope text (not yet parsed)
     * @param token the lease token that completion must present
     * @param attempt the attempt number, from 1
     * @param waitedMs how long the job had waited for this lease since it became ready (Redis' clock)
     */
    public LeasedJob(String queue, String id, String payload, String token, int attempt, long waitedMs) {
        this.queue = queue;
        this.id = id;
        this.payload = payload;
        this.token = token;
        this.attempt = attempt;
        this.waitedMs = waitedMs;
    }

    /** @return how long the job has waited to start: up to its lease (Redis' clock), then in this worker */
    long waitNanos() {
        return java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(waitedMs) + (System.nanoTime() - leasedAtNanos);
    }

    /**
     * Marks the start of the job's code: before its timeout is armed, so that a job that times out
     * is seen to have run at least its timeout, however long the observers take to start.
     */
    void runStarts() {
        this.runStartNanos = System.nanoTime();
    }

    /** @param attempt who observes this attempt */
    void observed(io.jrq.internal.observe.Attempt attempt) {
        this.observed = attempt;
    }

    /** @return the observer of this attempt ({@code Attempt.NONE} when nobody observes) */
    io.jrq.internal.observe.Attempt observed() {
        return observed;
    }

    /** @return how long the job's code has run, 0 before it started */
    long runNanos() {
        long start = runStartNanos;
        return start == 0 ? 0 : System.nanoTime() - start;
    }

    String payload() {
        return payload;
    }

    /** The job lost a lease before: its start must be recorded before it runs (see {@code start.lua}). */
    void markSuspect() {
        suspect = true;
    }

    /** @return true when the job lost a lease before this one */
    boolean isSuspect() {
        return suspect;
    }

    /** @return the lease token */
    @Override
    public String token() {
        return token;
    }

    /**
     * @param defaultSeconds the client's default result TTL
     * @return the result TTL the job asked for, else the default
     */
    long resultTtlSeconds(long defaultSeconds) {
        Envelope e = envelope;
        return e != null && e.resultTtlSeconds() > 0 ? e.resultTtlSeconds() : defaultSeconds;
    }

    void envelope(Envelope envelope) {
        this.envelope = envelope;
    }

    Envelope envelope() {
        return envelope;
    }

    /**
     * @param defaultMs the worker's default timeout, or -1
     * @return the timeout of this attempt in ms, or -1 for none
     */
    long timeoutMs(long defaultMs) {
        Envelope e = envelope;
        return e != null && e.timeoutMs() > 0 ? e.timeoutMs() : defaultMs;
    }

    /** @return true for the one caller that gets to record this attempt's outcome (run, timeout or stop) */
    boolean settle() {
        boolean first = settled.compareAndSet(false, true);
        java.util.concurrent.Future<?> t = timeoutTask;
        if (first && t != null) {
            t.cancel(false);
        }
        return first;
    }

    void timeoutTask(java.util.concurrent.Future<?> task) {
        this.timeoutTask = task;
    }

    void requestStop() {
        this.stopRequested = true;
    }

    void resultReader(java.util.function.Function<JobRef, String> reader) {
        this.resultReader = reader;
    }

    void progressSink(BiConsumer<LeasedJob, Progress> sink) {
        this.progressSink = sink;
    }

    void markLeaseLost() {
        this.leaseLost = true;
    }

    /** Set while a thread runs the job; synchronized with {@link #interruptThread} so that an
     *  interrupt never reaches the job the same thread runs next. */
    synchronized void thread(Thread t) {
        this.thread = t;
    }

    /** @return the thread running this job, or null */
    Thread runningThread() {
        return thread;
    }

    /** Interrupts the thread running this job, if one still does. */
    synchronized void interruptThread() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String queue() {
        return queue;
    }

    @Override
    public String function() {
        Envelope e = envelope;
        return e == null ? "" : e.fn();
    }

    @Override
    public int attempt() {
        return attempt;
    }

    @Override
    public Map<String, String> meta() {
        Envelope e = envelope;
        return e == null ? Map.of() : Map.copyOf(e.meta());
    }

    @Override
    public int argCount() {
        Envelope e = envelope;
        return e == null ? 0 : e.args().size();
    }

    @Override
    public <T> T arg(int index, Class<T> type) {
        JsonNode node = argNode(index);
        try {
            return Json.mapper().treeToValue(node, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InvalidPayloadException("argument " + (index + 1) + " of job " + id + " does not fit "
                    + type.getName() + ": " + e.getMessage());
        }
    }

    @Override
    public String argJson(int index) {
        return argNode(index).toString();
    }

    private JsonNode argNode(int index) {
        int n = argCount();
        if (index < 0 || index >= n) {
            throw new InvalidPayloadException(
                    "job " + id + " has " + n + " argument(s), no argument at index " + index);
        }
        return envelope.args().get(index);
    }

    @Override
    public boolean isLeaseLost() {
        return leaseLost;
    }

    @Override
    public boolean isStopRequested() {
        return stopRequested || leaseLost;
    }

    @Override
    public java.util.List<String> dependencies() {
        Envelope e = envelope;
        return e == null ? java.util.List.of() : e.deps();
    }

    @Override
    public <T> T dependencyResult(int index, Class<T> type) {
        java.util.List<String> deps = dependencies();
        if (index < 0 || index >= deps.size()) {
            throw new IllegalArgumentException(
                    "job " + id + " has " + deps.size() + " dependencies, no dependency at index " + index);
        }
        String json = resultReader.apply(JobRef.parse(deps.get(index)));
        if (json == null) {
            throw new io.jrq.JrqException(
                    "the result of dependency " + deps.get(index) + " is gone (its result TTL passed)");
        }
        try {
            return Json.mapper().readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new InvalidPayloadException(
                    "the result of dependency " + deps.get(index) + " does not fit " + type.getName());
        }
    }

    @Override
    public void progress(int percent, String message) {
        progressSink.accept(this, new Progress(percent, message));
    }
}
