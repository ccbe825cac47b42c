package io.jrq;

import io.jrq.internal.tracing.JobTracer;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Objects;

/**
 * Traces the jobs of one client with OpenTelemetry, after its messaging semantic conventions:
 * {@code new JrqTracing(openTelemetry).bindTo(jrq)}. Bind one on the producers and one on the
 * workers (or one on a client that does both); docs/METRICS.md, "Tracing", has the span tables.
 *
 * <ul>
 *   <li><b>Producer.</b> Each enqueue call is one span {@code send <queue>} (kind PRODUCER, a child
 *   of the caller's current span), from just before its jobs are encoded to Redis' answer. Its
 *   context is written into every job of the call as W3C {@code traceparent} / {@code tracestate}
 *   by the OpenTelemetry instance's propagators (the envelope's {@code trace} field). A bulk
 *   {@code enqueueAll} is one span for all its jobs, with {@code messaging.batch.message_count},
 *   and all of them carry its context; a single enqueue has {@code messaging.message.id}.</li>
 *   <li><b>Worker.</b> Each attempt is one span {@code process <queue>} (kind CONSUMER) whose parent
 *   is the job's producer span and which links to it; it is the current span while the job's code
 *   runs, so the job's own spans are its children. A failed, retried, timed-out, stopped or lost
 *   attempt has status ERROR and {@code error.type} (and, but for a lost one, an {@code exception}
 *   event); a job without a readable context starts a trace of its own.</li>
 * </ul>
 *
 * <p>With {@link OpenTelemetry#noop()} (no SDK), and no span current when enqueuing, nothing is
 * added to jobs: their payload is what it is without tracing. Nothing a tracer or propagator throws
 * fails an enqueue or a job: it is logged once and the call goes on. OpenTelemetry is an optional
 * dependency of jrq: an application that does not use this class needs no OpenTelemetry.
 *
 * <p>Thread-safe. {@link #close()} stops tracing the client's jobs (spans already started still end).
 */
public final class JrqTracing implements AutoCloseable {
    private final OpenTelemetry openTelemetry;
    private Jrq jrq;
    private JobTracer tracer;
    private boolean bound;

    /**
     * @param openTelemetry where the spans go, and whose propagators carry the producer's context
     *     (usually W3C trace context, as {@code OpenTelemetrySdk} or {@code GlobalOpenTelemetry} has)
     * @throws NullPointerException when it is null
     */
    public JrqTracing(OpenTelemetry openTelemetry) {
        this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
    }

    /**
     * Starts tracing the enqueue calls of {@code jrq} and the jobs of every worker started from it
     * (before or after binding).
     *
     * @param jrq the client (not closed by this)
     * @return this, to close when done
     * @throws IllegalStateException when this is already bound (make one JrqTracing per client)
     */
    public synchronized JrqTracing bindTo(Jrq jrq) {
        Objects.requireNonNull(jrq, "jrq");
        if (bound) {
            throw new IllegalStateException("already bound to a client; make one JrqTracing per client");
        }
        bound = true;
        this.jrq = jrq;
        this.tracer = new JobTracer(openTelemetry);
        jrq.observers().add(tracer);
        return this;
    }

    /** Stops tracing the client's jobs. */
    @Override
    public synchronized void close() {
        if (tracer != null) {
            jrq.observers().remove(tracer);
            tracer = null;
        }
    }
}
