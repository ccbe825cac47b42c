package io.jrq.internal.tracing;

import io.jrq.JobContext;
import io.jrq.internal.observe.Attempt;
import io.jrq.internal.observe.AttemptEnd;
import io.jrq.internal.observe.JobObserver;
import io.jrq.internal.observe.Send;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerBuilder;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The spans of jobs, after OpenTelemetry's messaging semantic conventions: {@code send <queue>}
 * (PRODUCER) per enqueue call, whose context is the creation context of every job of the call, and
 * {@code process <queue>} (CONSUMER) per attempt, a child of the job's creation context and linked
 * to it, made current while the job's code runs.
 */
public final class JobTracer implements JobObserver {
    /** The instrumentation scope of jrq's spans. */
    public static final String SCOPE = "io.jrq";
    /** The value of {@code messaging.system}. */
    public static final String SYSTEM = "jrq";
    /** {@code error.type} of an attempt whose outcome was dropped because its worker lost the lease. */
    public static final String LEASE_LOST = "lease_lost";

    static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
    static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    static final AttributeKey<String> CLIENT_ID = AttributeKey.stringKey("messaging.client.id");
    static final AttributeKey<Long> BATCH_COUNT = AttributeKey.longKey("messaging.batch.message_count");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");
    static final AttributeKey<String> EXCEPTION_MESSAGE = AttributeKey.stringKey("exception.message");
    static final AttributeKey<String> JOB_FUNCTION = AttributeKey.stringKey("jrq.job.function");
    static final AttributeKey<Long> JOB_ATTEMPT = AttributeKey.longKey("jrq.job.attempt");
    static final AttributeKey<String> JOB_OUTCOME = AttributeKey.stringKey("jrq.job.outcome");
    static final AttributeKey<Boolean> JOB_TIMED_OUT = AttributeKey.booleanKey("jrq.job.timed_out");

    private static final TextMapSetter<Map<String, String>> SETTER = (carrier, key, value) -> {
        if (carrier != null && key != null && value != null) {
            carrier.put(key, value);
        }
    };

    private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
        // Deprecated in the API, but propagators that still iterate the carrier (OT trace, Jaeger) need it.
        @Override
        @SuppressWarnings("deprecation")
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null || key == null ? null : carrier.get(key);
        }
    };

    private final Tracer tracer;
    private final TextMapPropagator propagator;

    /** @param openTelemetry where the spans go and whose propagators write and read the jobs' context */
    public JobTracer(OpenTelemetry openTelemetry) {
        TracerBuilder builder = openTelemetry.tracerBuilder(SCOPE);
        String version = JobTracer.class.getPackage().getImplementationVersion();
        if (version != null) {
            builder.setInstrumentationVersion(version);
        }
        this.tracer = builder.build();
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    }

    @Override
    public Send sending(String queue, List<String> jobIds, List<String> functions, boolean bulk) {
        SpanBuilder builder = tracer.spanBuilder("send " + queue)
                .setSpanKind(SpanKind.PRODUCER)
                .setAttribute(MESSAGING_SYSTEM, SYSTEM)
                .setAttribute(DESTINATION, queue)
                .setAttribute(OPERATION_TYPE, "send")
                .setAttribute(OPERATION_NAME, "send");
        if (bulk) {
            // One span and one creation context for the whole call: per-message attributes would
            // differ from job to job, so they are left to the process spans.
            builder.setAttribute(BATCH_COUNT, (long) jobIds.size());
        } else if (jobIds.size() == 1) {
            builder.setAttribute(MESSAGE_ID, jobIds.get(0));
        }
        String function = common(functions);
        if (function != null) {
            builder.setAttribute(JOB_FUNCTION, function);
        }
        Span span = builder.startSpan();
        return new SendSpan(span, Context.current().with(span));
    }

    /** @return the one function all the jobs call, or null when they differ or there are none */
    private static String common(List<String> functions) {
        if (functions.isEmpty()) {
            return null;
        }
        String first = functions.get(0);
        for (String f : functions) {
            if (!first.equals(f)) {
                return null;
            }
        }
        return first;
    }

    @Override
    public Attempt started(JobContext job, String worker, long waitNanos, Map<String, String> carrier) {
        Context parent = extract(carrier);
        SpanContext creation = Span.fromContext(parent).getSpanContext();
        SpanBuilder builder = tracer.spanBuilder("process " + job.queue())
                .setParent(parent)
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute(MESSAGING_SYSTEM, SYSTEM)
                .setAttribute(DESTINATION, job.queue())
                .setAttribute(OPERATION_TYPE, "process")
                .setAttribute(OPERATION_NAME, "process")
                .setAttribute(MESSAGE_ID, job.id())
                .setAttribute(CLIENT_ID, worker)
                .setAttribute(JOB_ATTEMPT, (long) job.attempt());
        if (job.function() != null) {
            builder.setAttribute(JOB_FUNCTION, job.function());
        }
        if (creation.isValid()) {
            // The conventions correlate producer and consumer by a link; the parent is the option
            // they allow for single messages, and gives one trace from request to job.
            builder.addLink(creation);
        }
        Span span = builder.startSpan();
        return new ProcessSpan(span, parent.with(span));
    }

    /**
     * The producer's context in a job's trace fields, on the root context: a worker thread has no
     * ambient span, and a job is never the child of whatever ran before it on that thread. A
     * context that cannot be read gives the root, so the attempt starts a trace of its own.
     */
    private Context extract(Map<String, String> carrier) {
        if (carrier == null || carrier.isEmpty()) {
            return Context.root();
        }
        try {
            Context extracted = propagator.extract(Context.root(), carrier, GETTER);
            return extracted == null ? Context.root() : extracted;
        } catch (RuntimeException unreadable) {
            return Context.root();
        }
    }

    /** The PRODUCER span of one enqueue call. */
    private final class SendSpan implements Send {
        private final Span span;
        private final Context context;

        SendSpan(Span span, Context context) {
            this.span = span;
            this.context = context;
        }

        @Override
        public void inject(Map<String, String> carrier) {
            propagator.inject(context, carrier, SETTER);
        }

        @Override
        @SuppressWarnings("MustBeClosedChecker") // the caller closes the returned scope when the job ends
        public Attempt.Scope enter() {
            Scope scope = context.makeCurrent();
            return scope::close;
        }

        @Override
        public void ended(Throwable error) {
            if (error != null) {
                span.setAttribute(ERROR_TYPE, error.getClass().getName());
                span.setStatus(
                        StatusCode.ERROR,
                        error.getMessage() != null
                                ? error.getMessage()
                                : error.getClass().getName());
                span.recordException(error);
            }
            span.end();
        }
    }

    /** The CONSUMER span of one attempt. */
    private static final class ProcessSpan implements Attempt {
        private final Span span;
        private final Context context;
        private final AtomicBoolean ended = new AtomicBoolean();

        ProcessSpan(Span span, Context context) {
            this.span = span;
            this.context = context;
        }

        @Override
        @SuppressWarnings("MustBeClosedChecker") // the caller closes the returned scope when the job ends
        public Attempt.Scope enter() {
            // Attempt's own Scope type shadows the import here
            io.opentelemetry.context.Scope scope = context.makeCurrent();
            return scope::close;
        }

        @Override
        public void ended(AttemptEnd end, boolean timedOut, String errorType, String errorMessage, long runNanos) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            span.setAttribute(JOB_OUTCOME, end.tag());
            if (timedOut) {
                span.setAttribute(JOB_TIMED_OUT, true);
            }
            if (end == AttemptEnd.LOST) {
                span.setAttribute(ERROR_TYPE, LEASE_LOST);
                span.setStatus(
                        StatusCode.ERROR, "the worker lost the job's lease while it ran; its outcome was dropped");
            } else if (end != AttemptEnd.FINISHED) {
                String type = errorType != null ? errorType : "_OTHER";
                span.setAttribute(ERROR_TYPE, type);
                span.setStatus(StatusCode.ERROR, errorMessage != null ? errorMessage : type);
                // The job's exception itself stays on the worker (its stack trace is in the job's
                // error); the event carries what the conventions ask of a recorded exception.
                span.addEvent(
                        "exception",
                        errorMessage != null
                                ? Attributes.of(EXCEPTION_TYPE, type, EXCEPTION_MESSAGE, errorMessage)
                                : Attributes.of(EXCEPTION_TYPE, type));
            }
            span.end();
        }
    }
}
