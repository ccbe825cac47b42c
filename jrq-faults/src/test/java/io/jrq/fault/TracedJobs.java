package io.jrq.fault;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;

/**
 * Jobs for {@link TracingAcrossProcessesIT}, run by a {@link TracingWorkerMain}: they make spans of
 * their own with the worker JVM's tracer, which must be children of the attempt's span.
 */
public final class TracedJobs {
    /** Set by {@link TracingWorkerMain} before its worker starts. */
    static volatile Tracer tracer;

    private TracedJobs() {}

    /**
     * Makes a span {@code inside <label>} and returns.
     *
     * @param label chosen by the test
     * @return {@code label@pid} of the process that ran it
     */
    public static String work(String label) {
        Span inside = tracer.spanBuilder("inside " + label).startSpan();
        inside.end();
        return label + "@" + ProcessHandle.current().pid();
    }

    /**
     * Always fails.
     *
     * @param message the exception's message
     * @return never
     */
    public static String fail(String message) {
        throw new IllegalStateException(message);
    }
}
