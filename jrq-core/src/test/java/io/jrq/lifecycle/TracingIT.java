package io.jrq.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.jrq.EnqueueOptions;
import io.jrq.Job;
import io.jrq.JobExistsException;
import io.jrq.JobStatus;
import io.jrq.JobTimeoutException;
import io.jrq.Jrq;
import io.jrq.JrqTracing;
import io.jrq.Queue;
import io.jrq.RetryPolicy;
import io.jrq.Worker;
import io.jrq.internal.Keys;
import io.jrq.testjobs.Flaky;
import io.jrq.testjobs.Jobs;
import io.jrq.testkit.RedisExtension;
import io.jrq.testkit.RedisServer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerBuilder;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * JrqTracing against real Redis, its spans read from the SDK's in-memory exporter: the producer's
 * {@code send} span is the parent of each attempt's {@code process} span, which is current while
 * the job's code runs; failures are marked; jobs carry nothing when nobody traces, and a context
 * that cannot be read never fails a job.
 */
@ExtendWith(RedisExtension.class)
class TracingIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Keys KEYS = new Keys("jrq");

    private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    private static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    private static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
    private static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    private static final AttributeKey<String> CLIENT_ID = AttributeKey.stringKey("messaging.client.id");
    private static final AttributeKey<Long> BATCH_COUNT = AttributeKey.longKey("messaging.batch.message_count");
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    private static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");
    private static final AttributeKey<String> EXCEPTION_MESSAGE = AttributeKey.stringKey("exception.message");
    private static final AttributeKey<String> FUNCTION = AttributeKey.stringKey("jrq.job.function");
    private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("jrq.job.attempt");
    private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("jrq.job.outcome");
    private static final AttributeKey<Boolean> TIMED_OUT = AttributeKey.booleanKey("jrq.job.timed_out");

    private InMemorySpanExporter exporter;
    private OpenTelemetrySdk otel;

    @BeforeEach
    void sdk() {
        exporter = InMemorySpanExporter.create();
        otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
    }

    @AfterEach
    void closeSdk() {
        otel.close();
    }

    private static String queueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void theSendSpanIsTheParentOfTheProcessSpanWhichParentsTheJobsOwnSpans(RedisServer redis) {
        String q = queueName("tr");
        Tracer app = otel.getTracer("test-app");
        // Producer and worker are separate clients, each with its own binder, as in separate processes.
        try (Jrq producer = Jrq.connect(redis.url());
                Jrq consumer = Jrq.connect(redis.url());
                JrqTracing producing = new JrqTracing(otel).bindTo(producer);
                JrqTracing consuming = new JrqTracing(otel).bindTo(consumer)) {
            Span request = app.spanBuilder("request").startSpan();
            Job<Object> job;
            try (Scope ignored = request.makeCurrent()) {
                job = producer.queue(q).enqueue("traced", "x");
            } finally {
                request.end();
            }
            SpanData send = only(named("send " + q));
            assertThat(send.getKind()).isEqualTo(SpanKind.PRODUCER);
            assertThat(send.getParentSpanId())
                    .as("child of the caller's span")
                    .isEqualTo(request.getSpanContext().getSpanId());
            assertThat(send.getAttributes().get(SYSTEM)).isEqualTo("jrq");
            assertThat(send.getAttributes().get(DESTINATION)).isEqualTo(q);
            assertThat(send.getAttributes().get(OPERATION_TYPE)).isEqualTo("send");
            assertThat(send.getAttributes().get(OPERATION_NAME)).isEqualTo("send");
            assertThat(send.getAttributes().get(MESSAGE_ID)).isEqualTo(job.id());
            assertThat(send.getAttributes().get(FUNCTION)).isEqualTo("traced");
            assertThat(send.getAttributes().get(BATCH_COUNT))
                    .as("a single-message API")
                    .isNull();
            assertThat(send.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);

            // The stored job (compact form: "<enqueued_at>:<payload>") carries the send span's context.
            String record = redis.execute("HGET", KEYS.queued(q), job.id());
            assertThat(record)
                    .endsWith(",\"trace\":{\"traceparent\":\"00-" + send.getTraceId() + "-" + send.getSpanId() + "-"
                            + send.getSpanContext().getTraceFlags().asHex() + "\"}}");

            String[] insideJob = new String[2];
            try (Worker w = consumer.worker(q)
                    .handler("traced", ctx -> {
                        Span inside = app.spanBuilder("inside the job").startSpan();
                        insideJob[0] = Span.current().getSpanContext().getSpanId();
                        inside.end();
                        insideJob[1] = inside.getSpanContext().getSpanId();
                        return ctx.arg(0, String.class) + "!";
                    })
                    .handleSignals(false)
                    .start()) {
                assertThat(job.await(WAIT)).isEqualTo("x!");
                SpanData process = awaitOnly("process " + q);
                assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
                assertThat(process.getTraceId()).isEqualTo(send.getTraceId());
                assertThat(process.getParentSpanId()).isEqualTo(send.getSpanId());
                assertThat(process.getParentSpanContext().isRemote())
                        .as("extracted from the job")
                        .isTrue();
                assertThat(process.getLinks())
                        .extracting(l -> l.getSpanContext().getSpanId())
                        .containsExactly(send.getSpanId());
                assertThat(process.getAttributes().get(SYSTEM)).isEqualTo("jrq");
                assertThat(process.getAttributes().get(DESTINATION)).isEqualTo(q);
                assertThat(process.getAttributes().get(OPERATION_TYPE)).isEqualTo("process");
                assertThat(process.getAttributes().get(OPERATION_NAME)).isEqualTo("process");
                assertThat(process.getAttributes().get(MESSAGE_ID)).isEqualTo(job.id());
                assertThat(process.getAttributes().get(CLIENT_ID)).isEqualTo(w.name());
                assertThat(process.getAttributes().get(FUNCTION)).isEqualTo("traced");
                assertThat(process.getAttributes().get(ATTEMPT)).isEqualTo(1L);
                assertThat(process.getAttributes().get(OUTCOME)).isEqualTo("finished");
                assertThat(process.getAttributes().get(ERROR_TYPE)).isNull();
                assertThat(process.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);

                assertThat(insideJob[0]).as("current span while the job runs").isEqualTo(process.getSpanId());
                SpanData inside = only(named("inside the job"));
                assertThat(inside.getSpanId()).isEqualTo(insideJob[1]);
                assertThat(inside.getParentSpanId()).isEqualTo(process.getSpanId());
                assertThat(inside.getTraceId()).isEqualTo(send.getTraceId());
            }
        }
    }

    @Test
    void failedRetriedAndTimedOutAttemptsAreErrors(RedisServer redis) {
        String q = queueName("tf");
        try (Jrq jrq = Jrq.connect(redis.url());
                JrqTracing tracing = new JrqTracing(otel).bindTo(jrq);
                Worker w = jrq.worker(q)
                        .allowPackages("io.jrq.testjobs")
                        .concurrency(3)
                        .handleSignals(false)
                        .start()) {
            Queue once = jrq.queue(q)
                    .with(EnqueueOptions.builder().retry(RetryPolicy.none()).build());
            Job<String> failing = once.enqueue(Jobs::fail, "boom");
            Job<Integer> flaky = jrq.queue(q)
                    .with(EnqueueOptions.builder()
                            .retry(RetryPolicy.fixed(2, Duration.ofMillis(50)))
                            .build())
                    .enqueue(Flaky::failTimes, q + "-flaky", 1);
            Job<Long> slow = jrq.queue(q)
                    .with(EnqueueOptions.builder()
                            .retry(RetryPolicy.none())
                            .timeout(Duration.ofMillis(300))
                            .build())
                    .enqueue(Jobs::sleep, 10_000L);
            await().atMost(WAIT)
                    .until(() -> List.of(failing, flaky, slow).stream()
                            .allMatch(j -> j.status().isTerminal()));
            await().atMost(WAIT).until(() -> named("process " + q).size() == 4);

            SpanData failed = only(processOf(failing.id()));
            assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(failed.getStatus().getDescription()).isEqualTo("boom");
            assertThat(failed.getAttributes().get(ERROR_TYPE)).isEqualTo(IllegalStateException.class.getName());
            assertThat(failed.getAttributes().get(OUTCOME)).isEqualTo("failed");
            assertThat(failed.getAttributes().get(TIMED_OUT)).isNull();
            EventData exception = only(failed.getEvents());
            assertThat(exception.getName()).isEqualTo("exception");
            assertThat(exception.getAttributes().get(EXCEPTION_TYPE)).isEqualTo(IllegalStateException.class.getName());
            assertThat(exception.getAttributes().get(EXCEPTION_MESSAGE)).isEqualTo("boom");
            assertThat(failed.getParentSpanId()).isEqualTo(sendOf(failing.id()).getSpanId());

            // Both attempts of the retried job are children of its one send span.
            List<SpanData> attempts = processOf(flaky.id()).stream()
                    .sorted((a, b) -> Long.compare(
                            a.getAttributes().get(ATTEMPT), b.getAttributes().get(ATTEMPT)))
                    .toList();
            assertThat(attempts).extracting(s -> s.getAttributes().get(ATTEMPT)).containsExactly(1L, 2L);
            assertThat(attempts).extracting(s -> s.getAttributes().get(OUTCOME)).containsExactly("retried", "finished");
            assertThat(attempts)
                    .extracting(s -> s.getStatus().getStatusCode())
                    .containsExactly(StatusCode.ERROR, StatusCode.UNSET);
            assertThat(attempts)
                    .extracting(SpanData::getParentSpanId)
                    .containsOnly(sendOf(flaky.id()).getSpanId());

            SpanData timedOut = only(processOf(slow.id()));
            assertThat(timedOut.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(timedOut.getAttributes().get(TIMED_OUT)).isTrue();
            assertThat(timedOut.getAttributes().get(OUTCOME)).isEqualTo("failed");
            assertThat(timedOut.getAttributes().get(ERROR_TYPE)).isEqualTo(JobTimeoutException.class.getName());
            assertThat(timedOut.getEndEpochNanos() - timedOut.getStartEpochNanos())
                    .as("ended at the timeout, not at the sleep's end")
                    .isLessThan(Duration.ofSeconds(5).toNanos());
        }
    }

    @Test
    void aBulkEnqueueIsOneSendSpanWhoseContextEveryJobCarries(RedisServer redis) {
        String q = queueName("tb");
        try (Jrq jrq = Jrq.connect(redis.url());
                JrqTracing tracing = new JrqTracing(otel).bindTo(jrq)) {
            List<Job<Integer>> jobs = jrq.queue(q).enqueueAll(Jobs::square, List.of(1, 2, 3));
            SpanData send = only(named("send " + q));
            assertThat(send.getKind()).isEqualTo(SpanKind.PRODUCER);
            assertThat(send.getAttributes().get(BATCH_COUNT)).isEqualTo(3L);
            assertThat(send.getAttributes().get(MESSAGE_ID))
                    .as("per-message, so on the process spans")
                    .isNull();
            assertThat(send.getAttributes().get(FUNCTION)).isEqualTo(Jobs.class.getName() + "::square");
            // an async enqueue: its span ends when Redis answers
            Job<Integer> async =
                    jrq.queue(q).enqueueAsync(x -> x.enqueue(Jobs::square, 4)).join();
            await().atMost(WAIT).until(() -> named("send " + q).size() == 2);
            assertThat(sendOf(async.id()).getAttributes().get(BATCH_COUNT)).isNull();

            try (Worker w = jrq.worker(q)
                    .allowPackages("io.jrq.testjobs")
                    .handleSignals(false)
                    .start()) {
                assertThat(jobs.get(2).await(WAIT)).isEqualTo(9);
                assertThat(async.await(WAIT)).isEqualTo(16);
                await().atMost(WAIT).until(() -> named("process " + q).size() == 4);
            }
            for (Job<Integer> job : jobs) {
                SpanData process = only(processOf(job.id()));
                assertThat(process.getParentSpanId()).isEqualTo(send.getSpanId());
                assertThat(process.getTraceId()).isEqualTo(send.getTraceId());
            }
        }
    }

    @Test
    void withoutTracingOrWithANoopOpenTelemetryPayloadsAreUnchanged(RedisServer redis) {
        String q = queueName("tn");
        try (Jrq jrq = Jrq.connect(redis.url())) {
            Queue queue = jrq.queue(q);
            Job<Integer> plain = queue.enqueue(Jobs::square, 7);
            Job<Integer> plainHash = queue.in(Duration.ofMillis(1)).enqueue(Jobs::square, 7);
            Job<Integer> noop;
            Job<Integer> noopHash;
            try (JrqTracing tracing = new JrqTracing(OpenTelemetry.noop()).bindTo(jrq)) {
                noop = queue.enqueue(Jobs::square, 7);
                noopHash = queue.in(Duration.ofMillis(1)).enqueue(Jobs::square, 7);
            }
            String plainPayload = payload(redis.execute("HGET", KEYS.queued(q), plain.id()));
            assertThat(plainPayload).startsWith("{\"v\":1,").doesNotContain("trace");
            assertThat(payload(redis.execute("HGET", KEYS.queued(q), noop.id())))
                    .as("byte for byte")
                    .isEqualTo(plainPayload);
            String hashPayload = redis.execute("HGET", KEYS.job(q, plainHash.id()), "payload");
            assertThat(hashPayload).doesNotContain("trace");
            assertThat(redis.execute("HGET", KEYS.job(q, noopHash.id()), "payload"))
                    .isEqualTo(hashPayload);

            // A worker traced by a noop OpenTelemetry runs them as usual.
            try (JrqTracing tracing = new JrqTracing(OpenTelemetry.noop()).bindTo(jrq);
                    Worker w = jrq.worker(q)
                            .allowPackages("io.jrq.testjobs")
                            .handleSignals(false)
                            .start()) {
                for (Job<Integer> j : List.of(plain, plainHash, noop, noopHash)) {
                    assertThat(j.await(WAIT)).isEqualTo(49);
                }
            }
        }
        assertThat(exporter.getFinishedSpanItems())
                .as("the SDK was never bound")
                .isEmpty();
    }

    /** {@code <enqueued_at>:<payload>} to the payload. */
    private static String payload(String compactRecord) {
        assertThat(compactRecord).matches("\\d+:\\{.*");
        return compactRecord.substring(compactRecord.indexOf(':') + 1);
    }

    @Test
    void aContextThatCannotBeReadStartsATraceOfItsOwnAndNeverFailsTheJob(RedisServer redis) {
        String q = queueName("th");
        String valid = "00-" + "ab".repeat(16) + "-" + "cd".repeat(8) + "-01";
        List<String> traces = new ArrayList<>(List.of(
                "{\"traceparent\":\"garbage\"}",
                "{\"traceparent\":\"00-00000000000000000000000000000000-0000000000000000-01\"}",
                "{\"traceparent\":\"" + valid + "-and-more\"}",
                "{\"traceparent\":\"" + valid.toUpperCase(java.util.Locale.ROOT) + "\"}",
                "{\"traceparent\":\"ff-" + "ab".repeat(16) + "-" + "cd".repeat(8) + "-01\"}",
                "{\"traceparent\":42}",
                "{\"traceparent\":{\"nested\":[\"" + valid + "\"]}}",
                "{\"traceparent\":null,\"tracestate\":\"=,=,,\\u0000\"}",
                "{\"traceparent\":\"" + "x".repeat(100_000) + "\"}",
                "{\"trace\\u0000parent\":\"" + valid + "\"}",
                "[\"" + valid + "\"]",
                "\"" + valid + "\"",
                "17"));
        // Past the bounds: the real traceparent comes after eight other fields, so it is dropped.
        traces.add(
                IntStream.range(0, 8).mapToObj(i -> "\"f" + i + "\":\"v\"").collect(Collectors.joining(",", "{", ","))
                        + "\"traceparent\":\"" + valid + "\"}");
        try (Jrq jrq = Jrq.connect(redis.url());
                JrqTracing tracing = new JrqTracing(otel).bindTo(jrq)) {
            List<String> ids = new ArrayList<>();
            for (String trace : traces) {
                String id = "hostile-" + ids.size();
                redis.execute(
                        "HSET",
                        KEYS.job(q, id),
                        "payload",
                        "{\"v\":1,\"fn\":\"io.jrq.testjobs.Jobs::add\",\"args\":[1,2],\"trace\":" + trace + "}",
                        "status",
                        "QUEUED");
                redis.execute("LPUSH", KEYS.ready(q), id);
                ids.add(id);
            }
            try (Worker w = jrq.worker(q)
                    .allowPackages("io.jrq.testjobs")
                    .handleSignals(false)
                    .start()) {
                for (String id : ids) {
                    assertThat(jrq.queue(q).job(id).orElseThrow().await(WAIT))
                            .as(traces.get(ids.indexOf(id)))
                            .isEqualTo(3);
                }
                await().atMost(WAIT).until(() -> named("process " + q).size() == ids.size());
            }
            List<SpanData> spans = named("process " + q);
            for (SpanData s : spans) {
                assertThat(s.getParentSpanContext().isValid())
                        .as("root span of job " + s.getAttributes().get(MESSAGE_ID))
                        .isFalse();
                assertThat(s.getLinks()).isEmpty();
                assertThat(s.getTraceId()).isNotEqualTo("ab".repeat(16));
                assertThat(s.getAttributes().get(OUTCOME)).isEqualTo("finished");
            }
            assertThat(spans.stream().map(SpanData::getTraceId).collect(Collectors.toSet()))
                    .as("a trace each")
                    .hasSize(ids.size());
        }
    }

    @Test
    void whatATracerOrAPropagatorThrowsFailsNoEnqueueAndNoJob(RedisServer redis) {
        String q = queueName("tx");
        TracerProvider throwingProvider = new TracerProvider() {
            @Override
            public Tracer get(String name) {
                return throwingTracer();
            }

            @Override
            public Tracer get(String name, String version) {
                return throwingTracer();
            }

            @Override
            public TracerBuilder tracerBuilder(String name) {
                return new TracerBuilder() {
                    @Override
                    public TracerBuilder setSchemaUrl(String url) {
                        return this;
                    }

                    @Override
                    public TracerBuilder setInstrumentationVersion(String version) {
                        return this;
                    }

                    @Override
                    public Tracer build() {
                        return throwingTracer();
                    }
                };
            }
        };
        OpenTelemetry brokenTracer = new OpenTelemetry() {
            @Override
            public TracerProvider getTracerProvider() {
                return throwingProvider;
            }

            @Override
            public ContextPropagators getPropagators() {
                return ContextPropagators.create(W3CTraceContextPropagator.getInstance());
            }
        };
        OpenTelemetry brokenPropagator = new OpenTelemetry() {
            @Override
            public TracerProvider getTracerProvider() {
                return otel.getTracerProvider();
            }

            @Override
            public ContextPropagators getPropagators() {
                return ContextPropagators.create(new ThrowingPropagator());
            }
        };
        try (Jrq jrq = Jrq.connect(redis.url());
                JrqTracing a = new JrqTracing(brokenTracer).bindTo(jrq);
                JrqTracing b = new JrqTracing(brokenPropagator).bindTo(jrq);
                Worker w = jrq.worker(q)
                        .allowPackages("io.jrq.testjobs")
                        .handleSignals(false)
                        .start()) {
            List<Job<Integer>> jobs = new ArrayList<>(List.of(jrq.queue(q).enqueue(Jobs::add, 1, 2)));
            jobs.addAll(jrq.queue(q).enqueueAll(Jobs::square, List.of(3, 4)));
            assertThat(jobs).extracting(j -> j.await(WAIT)).containsExactly(3, 9, 16);
            // The propagator's failure loses the context, not the spans: each attempt is a root span.
            await().atMost(WAIT).until(() -> named("process " + q).size() == 3);
            assertThat(named("send " + q)).hasSize(2);
            assertThat(named("process " + q))
                    .allMatch(s -> !s.getParentSpanContext().isValid());
            assertThat(jobs).allMatch(j -> j.status() == JobStatus.FINISHED);
        }
    }

    private static Tracer throwingTracer() {
        return name -> {
            throw new IllegalStateException("tracer failure");
        };
    }

    /** Throws on every call, as a broken custom propagator would. */
    private static final class ThrowingPropagator implements TextMapPropagator {
        @Override
        public Collection<String> fields() {
            return List.of("traceparent");
        }

        @Override
        public <C> void inject(Context context, C carrier, TextMapSetter<C> setter) {
            throw new IllegalStateException("inject failure");
        }

        @Override
        public <C> Context extract(Context context, C carrier, TextMapGetter<C> getter) {
            throw new IllegalStateException("extract failure");
        }
    }

    @Test
    void anEnqueueRepeatedWithTheSameIdIsTheSameJobThoughItsContextIsNew(RedisServer redis) {
        // An enqueue retried after EnqueueUnknownException runs in a new span, yet finds its job.
        String q = queueName("ti");
        try (Jrq jrq = Jrq.connect(redis.url())) {
            Queue same =
                    jrq.queue(q).with(EnqueueOptions.builder().jobId("same-id").build());
            Queue traced = jrq.queue(q)
                    .with(EnqueueOptions.builder().jobId("traced-id").build());
            same.enqueue(Jobs::square, 5);
            assertThat(same.enqueue(Jobs::square, 5).id())
                    .as("untraced: the same payload is the same job")
                    .isEqualTo("same-id");
            try (JrqTracing tracing = new JrqTracing(otel).bindTo(jrq)) {
                traced.enqueue(Jobs::square, 5);
                String stored = redis.execute("HGET", KEYS.queued(q), "traced-id");
                assertThat(traced.enqueue(Jobs::square, 5).id())
                        .as("traced: the same job")
                        .isEqualTo("traced-id");
                assertThat(redis.execute("HGET", KEYS.queued(q), "traced-id"))
                        .as("not written again")
                        .isEqualTo(stored);
                assertThatThrownBy(() -> traced.enqueue(Jobs::square, 6))
                        .as("another job under that id")
                        .isInstanceOf(JobExistsException.class);
            }
        }
    }

    @Test
    void badInputIsRefused(RedisServer redis) {
        assertThatThrownBy(() -> new JrqTracing(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("openTelemetry");
        try (Jrq jrq = Jrq.connect(redis.url());
                JrqTracing tracing = new JrqTracing(otel)) {
            assertThatThrownBy(() -> tracing.bindTo(null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("jrq");
            tracing.bindTo(jrq);
            assertThatThrownBy(() -> tracing.bindTo(jrq))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already bound");
            tracing.close();
            tracing.close();
            // closed: enqueues are no longer traced
            jrq.queue(queueName("tc")).enqueue(Jobs::square, 1);
            assertThat(exporter.getFinishedSpanItems()).isEmpty();
        }
    }

    private List<SpanData> named(String name) {
        return exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals(name))
                .toList();
    }

    private List<SpanData> processOf(String jobId) {
        return exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.CONSUMER
                        && jobId.equals(s.getAttributes().get(MESSAGE_ID)))
                .toList();
    }

    private SpanData sendOf(String jobId) {
        return only(exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getKind() == SpanKind.PRODUCER
                        && jobId.equals(s.getAttributes().get(MESSAGE_ID)))
                .toList());
    }

    private SpanData awaitOnly(String name) {
        await().atMost(WAIT).until(() -> !named(name).isEmpty());
        return only(named(name));
    }

    private static <T> T only(List<T> items) {
        assertThat(items).hasSize(1);
        return items.get(0);
    }
}
