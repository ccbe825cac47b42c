package io.jrq.internal.observe;

import java.util.Map;

/**
 * One observer's view of one enqueue call, from just before its jobs are encoded to Redis' answer:
 * what a trace's PRODUCER span covers. {@link #inject} and {@link #enter()} run on the caller's
 * thread; {@link #ended} runs once, on the caller's thread, or on a Redis I/O thread for
 * {@code enqueueAsync}.
 */
public interface Send {
    /** A call nobody watches. */
    Send NONE = error -> {};

    /**
     * Writes the context every job of this call carries (W3C {@code traceparent}, {@code tracestate}).
     *
     * @param carrier the jobs' trace fields, written into their envelopes when not empty
     */
    default void inject(Map<String, String> carrier) {}

    /**
     * Called on the caller's thread just before the jobs are handed to Redis, so that spans of the
     * Redis client (when instrumented) are children of this call's span.
     *
     * @return closed on the same thread once the call is handed over
     */
    default Attempt.Scope enter() {
        return Attempt.Scope.NOOP;
    }

    /**
     * @param error null when Redis stored the jobs (or a unique key named existing ones), else why
     *     the call failed: refused before anything was sent, or sent with an outcome that may be
     *     unknown (see {@code Queue}'s "What an enqueue error means")
     */
    void ended(Throwable error);
}
